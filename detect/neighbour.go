package detect

import "time"

// Neighbour discovery (ARP, IPv6 NDP). Every host asks for the link-layer
// address of each neighbour it is about to talk to, and gateways re-ask
// their cached neighbours all day; neither is a sweep. A sweep asks for many
// new addresses and then does nothing with them. So an ask counts as
// discovery only when no traffic to the address asked for follows within
// the reply timeout — from the asker or anyone else, since a gateway asks
// on behalf of the traffic it forwards — and a sweep is many such asks:
// unanswered ones within the burst window, or, answered or not, at a
// sweep's pace. A cache refresh spreads its asks over the neighbours'
// reachable time (15 to 45 s on Linux and Windows); a sweep of live hosts
// asks them all within a second.

// reaskGap is how long after an ask the same ask again is a cache refresh
// rather than a retry: a stack retries an unanswered ask within a second or
// two (Linux: three tries a second apart; nmap: once, about a second later);
// a cache is refreshed after the neighbour's reachable time (15 to 45 s).
const reaskGap tsecs = 5

// A source that re-asks the addresses it asked (evReasked) keeps a cache of
// them — a gateway re-asking its neighbours, absent ones included, every
// half minute — which no sweep does.

// What a neighbour-ask contact's record (slot.sport) says of it: only an
// ask counted as discovery can be re-asked as a refresh; re-asks of
// addresses in use say nothing of the discoveries.
const (
	askFound     = 1 // counted as discovery
	askRefreshed = 2 // and asked again after reaskGap
)

// refreshes reports whether the source re-asks most of the addresses it
// found: a neighbour cache, not a sweep.
func (s *source) refreshes() bool {
	return 2*s.nbrReasks >= s.nbrFound
}

// sweepPace is the span within which PingHosts unused asks, answered or
// not, are a sweep: nmap asks for dozens of neighbours within milliseconds.
const sweepPace = time.Second

// discovered counts an ask made at packet time t that no traffic followed;
// unanswered tells whether the neighbour answered it either.
func (e *Engine) discovered(s *source, t ptime, unanswered bool) {
	s.nbrFound++
	x := s.more()
	x.nbrPaced.add(t, sweepPace)
	if unanswered {
		x.nbrBurst.add(t, e.cfg.BurstWindow)
	}
}

const (
	askOpen = 0 // asked, no traffic to the address yet
	askUsed = 1 // traffic to the address followed the ask
)

// askKey is the record of an address asked for on the link, shared by all
// askers.
func askKey(dst addrKey) uint64 {
	return hash5(kindAsk, dst, 0, addrKey{}, 0)
}

// ask records a neighbour ask for dst at table time now and returns the
// key of its record. Traffic to dst shortly before the ask counts as use
// too: a gateway asks for an address when a packet for it arrives, and a
// stack confirms a neighbour it has just sent to (Linux after
// delay_first_probe_time, 5 s).
func (e *Engine) ask(dst addrKey, ns ptime, now tsecs) uint64 {
	k := askKey(dst)
	r, _ := e.tab.upsert(k, now, 0)
	r.n = askOpen
	// Traffic read before the ask but sent after it counts too: packets
	// from several capture sockets reach the engine slightly out of order.
	if m := &e.sent[sentIndex(dst)]; m.key == dst && ns.sub(m.t) <= sentWindow && m.t.sub(ns) <= askTimeout {
		r.n = askUsed
	}
	e.askAt = ns
	return k
}

// sentSlots is the size of the direct-mapped memory of recent destinations.
// A collision forgets a destination, which can only make an ask look unused.
const sentSlots = 1 << 16

// sentWindow is how long traffic to an address makes a later ask for it a
// confirmation rather than discovery.
const sentWindow = 10 * time.Second

type sentMark struct {
	key addrKey
	t   ptime
}

func sentIndex(k addrKey) uint64 {
	return ((k.hi ^ k.lo) * 0x9e3779b97f4a7c15) >> (64 - 16)
}

// sentTo notes traffic to dst at packet time ns. A mark less than a second
// old is left as it is: most packets go where the last one went. Marks are
// kept only where they can serve: on a link where asks have been seen in
// the last minute, and in the engine's first seconds, when the first asks
// may yet be read after their traffic. A capture with no neighbour asks
// (a tap beyond the first router) pays nothing for them.
func (e *Engine) sentTo(dst addrKey, ns ptime) {
	if !(e.askAt != 0 && ns.sub(e.askAt) < time.Minute) && ns.sub(e.epoch) > epochHeadroom+10*time.Second {
		return
	}
	if m := &e.sent[sentIndex(dst)]; m.key != dst || ns.sub(m.t) > time.Second || ns < m.t {
		*m = sentMark{dst, ns}
	}
}

// asking reports whether a neighbour ask may still be waiting for traffic
// at packet time ns: only then are destinations looked up (see markUsed).
func (e *Engine) asking(ns ptime) bool {
	return e.askAt != 0 && ns.sub(e.askAt) <= e.cfg.ReplyTimeout+orphanWait
}

// markUsed notes traffic to dst: an open ask for it was resolution, not
// discovery.
func (e *Engine) markUsed(dst addrKey, now tsecs) {
	if r := e.tab.find(askKey(dst), now); r != nil {
		r.n = askUsed
	}
}

// askUsed reports whether traffic followed the ask recorded under k. A
// record gone from the table (pushed out by newer ones) counts as unused.
func (e *Engine) askUsed(k uint64, now tsecs) bool {
	r := e.tab.find(k, now)
	return r != nil && r.n == askUsed
}
