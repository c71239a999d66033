package block

import (
	"net/netip"
	"time"
)

// ledger is what this process believes the sets hold: each blocked address
// and when its element expires. It bounds the sets (block.max_elements)
// and tells a new address from one whose block an alert extends. Expired
// entries are swept only when the ledger is full, so a sweep costs at most
// one pass per max_elements additions.
type ledger struct {
	max     int
	expires map[netip.Addr]time.Time
}

func newLedger(max int) *ledger {
	return &ledger{max: max, expires: make(map[netip.Addr]time.Time)}
}

// change is what an element needs.
type change int

const (
	changeNone   change = iota // held already, at least as long
	changeAdd                  // a new element
	changeExtend               // held, but a later alert extends it
	changeShed                 // new, and the ledger is full
)

// extendSlack is the least extension worth replacing an element for:
// a scan's update alerts follow each other closely, and each replacement
// is a netlink round trip.
const extendSlack = time.Second

// plan says what blocking a until until needs, without recording it.
func (l *ledger) plan(a netip.Addr, until, now time.Time) change {
	if exp, ok := l.expires[a]; ok && exp.After(now) {
		if until.Sub(exp) < extendSlack {
			return changeNone
		}
		return changeExtend
	}
	if len(l.expires) >= l.max {
		l.sweep(now)
		if len(l.expires) >= l.max {
			return changeShed
		}
	}
	return changeAdd
}

// record notes that a's element now expires at until.
func (l *ledger) record(a netip.Addr, until time.Time) { l.expires[a] = until }

// forget drops a, whose element is not in the set after all.
func (l *ledger) forget(a netip.Addr) { delete(l.expires, a) }

// sweep drops the entries that have expired.
func (l *ledger) sweep(now time.Time) {
	for a, exp := range l.expires {
		if !exp.After(now) {
			delete(l.expires, a)
		}
	}
}

// live counts the entries that have not expired at now.
func (l *ledger) live(now time.Time) int {
	n := 0
	for _, exp := range l.expires {
		if exp.After(now) {
			n++
		}
	}
	return n
}
