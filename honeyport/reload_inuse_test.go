//go:build linux

package honeyport

import (
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// TestReloadReportsPortsInUse: a port another socket holds is avoided for
// the life of the process, and the reload's log line used to leave it out
// of in_use, as if the new configuration had got every port it asked for.
func TestReloadReportsPortsInUse(t *testing.T) {
	a, b, c := testkit.FreePort(t, "tcp", "127.0.0.1"), testkit.FreePort(t, "tcp", "127.0.0.1"), testkit.FreePort(t, "tcp", "127.0.0.1")
	svc, err := net.Listen("tcp4", "127.0.0.1:"+itoa(b))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()

	var logs testkit.Buffer
	d, err := New(testConfig(itoa(a), itoa(b)), func(detect.Touch) {}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	runDecoys(t, d)
	inUse := func(text string) string {
		for line := range strings.SplitSeq(text, "\n") {
			if strings.Contains(line, "decoys changed") {
				_, after, _ := strings.Cut(line, "in_use=")
				return after
			}
		}
		t.Fatalf("no \"decoys changed\" line in:\n%s", text)
		return ""
	}
	if got := inUse(logs.Take()); !strings.Contains(got, itoa(b)+"/tcp") {
		t.Fatalf("at start, in_use=%s; want %d/tcp", got, b)
	}

	if err := d.Reload(testConfig(itoa(a), itoa(b), itoa(c))); err != nil {
		t.Fatal(err)
	}
	if got := inUse(logs.Take()); !strings.Contains(got, itoa(b)+"/tcp") {
		t.Errorf("after reload, in_use=%s; want %d/tcp, still held by another socket", got, b)
	}
	if holdsPort(d, tcp(b)) || !holdsPort(d, tcp(c)) {
		t.Errorf("after reload, held %v", d.Ports())
	}
}
