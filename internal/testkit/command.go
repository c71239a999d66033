package testkit

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Run runs a command and returns its combined output; the error names the
// command and carries its output, so that a failed step of a test bed
// explains itself.
func Run(args ...string) (string, error) {
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Sh runs a command and fails the test if it fails.
func Sh(t testing.TB, args ...string) {
	t.Helper()
	if _, err := Run(args...); err != nil {
		t.Fatal(err)
	}
}

// Limited wraps args in timeout(1): the command gets SIGTERM after limit
// and SIGKILL 5 s later, so that a tool that hangs (masscan after its
// scan) cannot hang the test.
func Limited(limit time.Duration, args ...string) *exec.Cmd {
	secs := max(1, int(limit.Seconds()))
	return exec.Command("timeout", append([]string{"--kill-after=5", fmt.Sprint(secs)}, args...)...)
}

// TimedOut reports whether err is timeout(1)'s status for a command it
// had to stop.
func TimedOut(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && (ee.ExitCode() == 124 || ee.ExitCode() == 137)
}

// Background starts cmd with its output in a Buffer and returns what
// waits for it and returns that output and the error. Unlike Sh it never
// fails the test itself, so that several can run at once and a tool's own
// exit status can be judged. A test that ends while cmd runs stops it
// with SIGTERM and waits.
func Background(t testing.TB, cmd *exec.Cmd) func() (string, error) {
	var out Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return func() (string, error) { return "", err }
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var once sync.Once
	var err error
	wait := func() (string, error) {
		once.Do(func() { err = <-done })
		return out.String(), err
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = wait()
	})
	return wait
}
