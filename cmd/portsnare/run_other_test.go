//go:build !linux

package main

import (
	"runtime"
	"strings"
	"testing"
)

// On a system without live capture, run stops at once with the reason,
// even with a configuration that could not be read: it names the system,
// not a missing file.
func TestRunNeedsLinux(t *testing.T) {
	code, _, stderr := runCLI(t, "run", "-c", "/nonexistent/portsnare.yaml")
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	want := "live capture needs Linux (this is " + runtime.GOOS + ")"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not say %q", stderr, want)
	}
}
