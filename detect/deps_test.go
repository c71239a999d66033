package detect

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the engine free of capture, messaging and
// configuration libraries, so it serves live capture and replay alike and
// stays cheap to test.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	banned := []string{"github.com/google/gopacket", "github.com/gopacket/", "github.com/nats-io/",
		"github.com/spf13/", "github.com/prometheus/", "golang.org/x/net/bpf"}
	for _, dep := range strings.Fields(string(out)) {
		for _, b := range banned {
			if strings.HasPrefix(dep, b) {
				t.Errorf("detect depends on %s", dep)
			}
		}
	}
}
