package sensor

import (
	"time"
)

// ticker is what the packet clock ticks: the engine itself, or the batcher
// that carries the tick to the engine's goroutine in its place among the
// packets.
type ticker interface{ Tick(now time.Time) }

// packetClock follows packet time and ticks the engine about once per
// second of it.
type packetClock struct {
	started     bool
	first, last time.Time // earliest and latest packet time seen
	tick        int64     // packet time of the last tick, Unix nanoseconds
}

// advance notes a packet at ts, ticking eng when a second of packet time has
// passed since the last tick. It returns how far ts lies before the last
// tick, if it does: files given out of order, or a merged capture.
func (c *packetClock) advance(eng ticker, ts time.Time) time.Duration {
	ns := ts.UnixNano()
	if !c.started {
		c.started = true
		c.first, c.last, c.tick = ts, ts, ns
		return 0
	}
	if ts.After(c.last) {
		c.last = ts
	}
	if ts.Before(c.first) {
		c.first = ts
	}
	switch {
	case ns >= c.tick+int64(time.Second):
		eng.Tick(ts)
		c.tick = ns
	case ns < c.tick:
		// Tick from here on, rather than not at all until time catches up.
		back := time.Duration(c.tick - ns)
		c.tick = ns
		return back
	}
	return 0
}
