package corpus

import "time"

// icmpLimit is Linux's per-destination ICMP error limit (icmp_ratelimit,
// 1000 ms, with a burst of 6: inet_peer_xrlim_allow): a scanned host or a
// router answers the first half dozen probes at once, then about one a
// second.
type icmpLimit struct {
	tokens time.Duration
	last   time.Duration
	seen   bool
}

const (
	icmpInterval = time.Second
	icmpBurst    = 6 * icmpInterval
)

// allow reports whether an ICMP error may be sent at time at.
func (l *icmpLimit) allow(at time.Duration) bool {
	if !l.seen {
		l.seen, l.tokens = true, icmpBurst
	} else {
		l.tokens = min(l.tokens+at-l.last, icmpBurst)
	}
	l.last = at
	if l.tokens < icmpInterval {
		return false
	}
	l.tokens -= icmpInterval
	return true
}
