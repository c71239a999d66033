//go:build linux

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// TestFaultRunUserFreshHost starts the sensor as root with run.user on a
// host where /var/lib/portsnare does not exist yet: it must create its
// state directory, spool and NATS store so that the dropped user reaches
// its own directories, and run.
func TestFaultRunUserFreshHost(t *testing.T) {
	testkit.RequireE2E(t, "unshare")
	uid, _ := nobody(t)
	varLib := freshVarLib(t)
	s := startIsolated(t, buildBinary(t), varLib, []string{
		"PORTSNARE_RUN_USER=nobody", "PORTSNARE_NATS_LISTEN=127.0.0.1:0"})
	if !s.waitLog(`msg="embedded NATS server"`, 20*time.Second) {
		s.wait(t, 5*time.Second)
		t.Fatalf("the sensor did not start as nobody on a fresh host; log:\n%s", s.stderr.String())
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := s.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("exit %d (signal %v); log:\n%s", code, sig, s.stderr.String())
	}
	for _, c := range []struct {
		path string
		uid  int
		mode os.FileMode
	}{
		{"portsnare", 0, 0o755},
		{"portsnare/spool", uid, 0o700},
		{"portsnare/nats", uid, 0o700},
	} {
		if u, m := owner(t, filepath.Join(varLib, c.path)); u != c.uid || m != c.mode {
			t.Errorf("/var/lib/%s: uid %d mode %04o, want uid %d mode %04o", c.path, u, m, c.uid, c.mode)
		}
	}
}
