package testkit

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// Binary builds the main package in dir into the test's own directory
// and returns its path, for tests that need a real process: one that
// switches users, takes signals or reads a FIFO. Without a go tool the
// test is skipped, or fails under PORTSNARE_E2E.
func Binary(t testing.TB, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		Missing(t, "there is no go tool to build the binary with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "portsnare")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, out)
	}
	return bin
}
