package block

import (
	"net/netip"
	"testing"
	"time"
)

func TestLedger(t *testing.T) {
	l := newLedger(2)
	a, b, c := netip.MustParseAddr("198.18.0.1"), netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("2001:db8::3")
	now := t0
	step := func(addr netip.Addr, until time.Time, want change) {
		t.Helper()
		got := l.plan(addr, until, now)
		if got != want {
			t.Fatalf("plan(%s until +%s) = %d, want %d", addr, until.Sub(now), got, want)
		}
		if got == changeAdd || got == changeExtend {
			l.record(addr, until)
		}
	}
	step(a, now.Add(time.Minute), changeAdd)
	step(a, now.Add(time.Minute+extendSlack/2), changeNone) // an update right after the start
	step(a, now.Add(2*time.Minute), changeExtend)
	step(a, now.Add(time.Minute), changeNone) // an older alert never shortens a block
	step(b, now.Add(30*time.Second), changeAdd)
	step(c, now.Add(time.Minute), changeShed) // full
	if n := l.live(now); n != 2 {
		t.Fatalf("live = %d, want 2", n)
	}
	now = now.Add(45 * time.Second) // b has expired: its room is c's
	step(c, now.Add(time.Minute), changeAdd)
	step(b, now.Add(time.Minute), changeShed)
	now = now.Add(time.Hour)
	step(a, now.Add(time.Minute), changeAdd) // expired long ago: a new element
}
