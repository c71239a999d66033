//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// TestFaultRunUserRestricts starts the sensor as root with run.user and
// reads every thread's status once it has switched: each must have
// no_new_privs set and no capability in force. The sensor used to keep
// no_new_privs off, so an execve of a setuid binary could make it root
// again.
func TestFaultRunUserRestricts(t *testing.T) {
	testkit.RequireE2E(t, "unshare")
	bin := buildBinary(t)
	uid, _ := nobody(t)
	s := startIsolated(t, bin, freshVarLib(t), []string{
		"PORTSNARE_RUN_USER=nobody", "PORTSNARE_NATS_LISTEN=127.0.0.1:0"})
	if !s.waitLog(`msg="embedded NATS server"`, 20*time.Second) {
		s.wait(t, 5*time.Second)
		t.Fatalf("the sensor did not start as nobody; log:\n%s", s.stderr.String())
	}
	threads, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", s.cmd.Process.Pid))
	if err != nil || len(threads) < 2 {
		t.Fatalf("threads of the sensor: %v, %v", threads, err)
	}
	for _, path := range threads {
		st := procStatus(t, path)
		want := map[string]string{"NoNewPrivs": "1", "CapEff": "0000000000000000", "CapPrm": "0000000000000000"}
		for k, v := range want {
			if st[k] != v {
				t.Errorf("%s: %s %s, want %s", path, k, st[k], v)
			}
		}
		if !strings.HasPrefix(st["Uid"], fmt.Sprint(uid)+"\t") {
			t.Errorf("%s: Uid %q, want %d", path, st["Uid"], uid)
		}
	}
	if !strings.Contains(s.stderr.String(), "no_new_privs=true") {
		t.Errorf("the switch is not logged with no_new_privs; log:\n%s", s.stderr.String())
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := s.wait(t, 20*time.Second); code != 0 {
		t.Errorf("exit %d (signal %v); log:\n%s", code, sig, s.stderr.String())
	}
}

// procStatus reads a /proc status file into its fields.
func procStatus(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}
