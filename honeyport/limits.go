package honeyport

import (
	"net"
	"net/netip"
	"sync"
)

// connLimits caps concurrent decoy connections in all and per source, and
// knows every open one so that shutdown can close them at once. Its map has
// an entry only per source with an open connection, so it is bounded by the
// global cap whatever the number of sources.
type connLimits struct {
	mu           sync.Mutex
	max, perSrc  int
	bySource     map[netip.Addr]int
	open         map[net.Conn]struct{}
	closing      bool
	rejectedAll  uint64 // over the global cap
	rejectedEach uint64 // over the per-source cap
}

func newConnLimits(max, perSrc int) *connLimits {
	return &connLimits{max: max, perSrc: perSrc, bySource: map[netip.Addr]int{}, open: map[net.Conn]struct{}{}}
}

// sourceKey is what a per-source cap counts: an IPv4 address, or an IPv6
// /64, since one IPv6 host commonly has a whole /64 to pick addresses from.
func sourceKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// acquire admits c from src if both caps allow it. Admitted connections
// must be released.
func (l *connLimits) acquire(src netip.Addr, c net.Conn) bool {
	k := sourceKey(src)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closing:
		return false
	case len(l.open) >= l.max:
		l.rejectedAll++
		return false
	case l.bySource[k] >= l.perSrc:
		l.rejectedEach++
		return false
	}
	l.bySource[k]++
	l.open[c] = struct{}{}
	return true
}

func (l *connLimits) release(src netip.Addr, c net.Conn) {
	k := sourceKey(src)
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.open[c]; !ok {
		return
	}
	delete(l.open, c)
	if l.bySource[k]--; l.bySource[k] <= 0 {
		delete(l.bySource, k)
	}
}

// setCaps applies a reloaded configuration. Connections already admitted
// over a lowered cap end by their deadline.
func (l *connLimits) setCaps(max, perSrc int) {
	l.mu.Lock()
	l.max, l.perSrc = max, perSrc
	l.mu.Unlock()
}

// closeAll closes every open connection and admits no more: at shutdown,
// so that Run does not wait for the read deadlines.
func (l *connLimits) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closing = true
	for c := range l.open {
		c.Close()
	}
}

func (l *connLimits) counts() (active int, rejected uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.open), l.rejectedAll + l.rejectedEach
}
