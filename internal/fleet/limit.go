package fleet

import "time"

// limiter is a token bucket in packet time: rate records per second, up to
// a second's worth at once. Packet time, not the wall clock, so that a
// replay sheds what the live run shed; a packet older than the last seen
// adds no tokens.
type limiter struct {
	rate   float64
	tokens float64
	last   time.Time
}

func newLimiter(rate int) limiter {
	return limiter{rate: float64(rate), tokens: float64(rate)}
}

// allow takes a token at packet time t, and reports whether there was one.
func (l *limiter) allow(t time.Time) bool {
	if l.last.IsZero() {
		l.last = t
	}
	if d := t.Sub(l.last); d > 0 {
		l.tokens = min(l.rate, l.tokens+d.Seconds()*l.rate)
		l.last = t
	}
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}
