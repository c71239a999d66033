//go:build linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// The fault tests that switch users or send signals run the real binary:
// a process that drops to run.user cannot be the test itself.

// buildBinary builds portsnare into the test's own directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	return testkit.Binary(t, ".")
}

// isolatedSensor is `portsnare run -i lo` started as root in network and
// mount namespaces of its own (they end with it), with varLib mounted on
// /var/lib: a fresh host's state directory, however the test host's looks.
type isolatedSensor struct {
	cmd    *exec.Cmd
	stderr testkit.Buffer
	stdout testkit.Buffer
	exited chan struct{}
	err    error
}

func startIsolated(t *testing.T, bin, varLib string, env []string, args ...string) *isolatedSensor {
	t.Helper()
	script := `ip link set lo up && mount --bind "$0" /var/lib && exec "$@"`
	full := append([]string{"--mount", "--net", "sh", "-c", script, varLib, bin, "run", "-i", "lo",
		"--sensor-name", "fault", "--log-level", "info"}, args...)
	return startProc(t, exec.Command("unshare", full...), env)
}

// startProc starts cmd, a sensor, with env added to the test's own.
func startProc(t *testing.T, cmd *exec.Cmd, env []string) *isolatedSensor {
	t.Helper()
	s := &isolatedSensor{cmd: cmd, exited: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
	})
	return s
}

// waitLog waits until the sensor's log holds text; it reports false when
// the sensor exits first or the limit passes.
func (s *isolatedSensor) waitLog(text string, limit time.Duration) bool {
	return testkit.Until(limit, s.exited, func() bool { return strings.Contains(s.stderr.String(), text) })
}

// wait returns the exit status once the sensor has exited (-1: killed by
// a signal, the signal in sig), or fails the test after limit.
func (s *isolatedSensor) wait(t *testing.T, limit time.Duration) (code int, sig syscall.Signal) {
	t.Helper()
	select {
	case <-s.exited:
	case <-time.After(limit):
		_ = s.cmd.Process.Kill()
		<-s.exited
		t.Fatalf("the sensor did not exit within %s; log:\n%s", limit, s.stderr.String())
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, ws.Signal()
		}
		return ee.ExitCode(), 0
	}
	if s.err != nil {
		t.Fatalf("waiting for the sensor: %v", s.err)
	}
	return 0, 0
}

// freshVarLib returns an empty directory for startIsolated, open to
// every user as /var/lib is.
func freshVarLib(t *testing.T) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "varlib")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}
