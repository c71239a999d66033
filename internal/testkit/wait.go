package testkit

import (
	"strings"
	"testing"
	"time"
)

// Polling starts fast, so that a condition that holds within
// milliseconds costs a test milliseconds, and slows down to
// maxPollInterval, so that a condition checked over HTTP or by reading a
// large output is not hammered on a machine shared with other tests.
const (
	minPollInterval = 5 * time.Millisecond
	maxPollInterval = 100 * time.Millisecond
)

// Until polls cond until it holds, limit passes or stop is closed (a nil
// stop never is), and reports whether it held. cond is checked once more
// after stop closes, so that what a process wrote just before it exited
// counts.
func Until(limit time.Duration, stop <-chan struct{}, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	interval := minPollInterval
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-stop:
			return cond()
		case <-time.After(interval):
		}
		interval = min(2*interval, maxPollInterval)
	}
	return true
}

// WaitFor polls cond until it holds and fails the test, naming what, when
// it has not within limit.
func WaitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Until(limit, nil, cond) {
		t.Fatalf("timed out after %s waiting for %s", limit, what)
	}
}

// WaitOutput waits until b holds text and fails the test, showing what b
// holds, when it does not within limit.
func WaitOutput(t testing.TB, limit time.Duration, b *Buffer, text string) {
	t.Helper()
	if !Until(limit, nil, func() bool { return strings.Contains(b.String(), text) }) {
		t.Fatalf("%q not written within %s; got:\n%s", text, limit, b.String())
	}
}
