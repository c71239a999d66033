package testkit

import (
	"testing"
	"testing/synctest"
	"time"
)

// Until is driven by timers alone, so its limits are checked on
// synctest's clock, to the nanosecond and at no cost in real time.

func TestUntilGivesUpAfterLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if Until(time.Second, nil, func() bool { return false }) {
			t.Fatal("a condition that never holds held")
		}
		// The last poll may overshoot the limit by at most one interval.
		if took := time.Since(start); took < time.Second || took > time.Second+maxPollInterval {
			t.Errorf("gave up after %v; want the 1s limit", took)
		}
	})
}

func TestUntilReturnsWhenConditionHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		ready := start.Add(300 * time.Millisecond)
		if !Until(time.Minute, nil, func() bool { return !time.Now().Before(ready) }) {
			t.Fatal("gave up on a condition that came to hold")
		}
		if took := time.Since(start); took > 300*time.Millisecond+maxPollInterval {
			t.Errorf("noticed after %v; want within one poll of 300ms", took)
		}
	})
}

// A closed stop ends the wait at once, with the condition checked once
// more: what a process wrote before it exited counts.
func TestUntilStopChecksOnceMore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stop := make(chan struct{})
		close(stop)
		calls := 0
		got := Until(time.Minute, stop, func() bool { calls++; return calls == 2 })
		if !got || calls != 2 {
			t.Errorf("Until = %v after %d checks; want true after 2", got, calls)
		}
	})
}

func TestBufferTake(t *testing.T) {
	var b Buffer
	b.Write([]byte("one\n"))
	if got := b.Take(); got != "one\n" {
		t.Errorf("Take = %q", got)
	}
	b.Write([]byte("two\n"))
	if got := b.String(); got != "two\n" {
		t.Errorf("after Take, String = %q", got)
	}
}
