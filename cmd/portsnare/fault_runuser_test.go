//go:build linux

package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// nobody returns the ids of the user the run.user tests switch to.
func nobody(t *testing.T) (uid, gid int) {
	t.Helper()
	u, err := user.Lookup("nobody")
	if err != nil {
		testkit.Missing(t, "there is no user nobody: %v", err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid
}

func owner(t *testing.T, path string) (uid int, mode os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(fi.Sys().(*syscall.Stat_t).Uid), fi.Mode().Perm()
}

// TestFaultRunUserForeignDir points nats.spool_dir at a directory that
// already holds root's files, as a slip like /etc/portsnare would: the
// sensor must refuse it, naming the key, and leave every file's owner as
// it was.
func TestFaultRunUserForeignDir(t *testing.T) {
	testkit.RequireE2E(t, "unshare")
	varLib := freshVarLib(t)
	etc := filepath.Join(varLib, "etc-portsnare")
	if err := os.Mkdir(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(etc, "allowlist.yaml")
	if err := os.WriteFile(secret, []byte("rules: []\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	s := startIsolated(t, buildBinary(t), varLib, []string{
		"PORTSNARE_RUN_USER=nobody", "PORTSNARE_NATS_LISTEN=127.0.0.1:0",
		"PORTSNARE_NATS_SPOOL_DIR=/var/lib/etc-portsnare"})
	if s.waitLog(`msg="embedded NATS server"`, 20*time.Second) {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		t.Errorf("the sensor started with nats.spool_dir on a directory of root's files")
	}
	code, _ := s.wait(t, 20*time.Second)
	for _, p := range []string{etc, secret} {
		if u, _ := owner(t, p); u != 0 {
			t.Errorf("%s now belongs to uid %d: run.user took over a file portsnare did not create", p, u)
		}
	}
	log := s.stderr.String()
	if code == 0 || !strings.Contains(log, "nats.spool_dir") || !strings.Contains(log, "/var/lib/etc-portsnare") {
		t.Errorf("exit %d; want a failure naming nats.spool_dir and its value; log:\n%s", code, log)
	}
}
