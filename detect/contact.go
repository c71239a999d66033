package detect

import (
	"net/netip"
	"time"
)

// Contact states (slot.n of a kindContact record). Every transition of a
// first contact's state happens in this file.
const (
	stPending    = iota // probed, no outcome yet
	stFailed            // refused: RST, ICMP unreachable
	stSucceeded         // answered: SYN-ACK, UDP answer, echo reply
	stUnanswered        // no outcome within the reply timeout, not weighed
	// stUnansweredScored is stUnanswered weighed as a failure (a TCP or
	// SCTP opening from a source that gets answers): a late answer takes
	// the point back.
	stUnansweredScored
	stDecoy // touched a decoy
)

// family is the kind of evidence a first contact gives.
type family uint8

const (
	famPort      family = iota // TCP, UDP, SCTP ports and IP protocols: the random walk
	famPing                    // ICMP requests: ping sweeps
	famNeighbour               // ARP and NDP asks: neighbour discovery
)

// familyOf tells a contact's family from its protocol and "port".
func familyOf(proto uint8, port uint16) family {
	switch {
	case proto == ProtoARP && port == ARPPort, proto == ProtoICMPv6 && port == NDPType:
		return famNeighbour
	case proto == ProtoICMP || proto == ProtoICMPv6:
		return famPing
	}
	return famPort
}

// weighsSilence reports whether an unanswered probe of this technique is
// evidence of a failure. A SYN or SCTP INIT that nothing answers, from a
// source that does get answers, went to no service. Silence to UDP is weak
// (services and NATs drop datagrams silently); FIN, NULL, Xmas and ACK
// probes are unanswered by open ports too; pings are judged apart.
func weighsSilence(t Technique) bool {
	switch t {
	case TechSYN, TechConnect, TechSCTPInit, TechTCPUnseen:
		return true
	}
	return false
}

func contactKey(src addrKey, gen uint64, dst addrKey, proto uint8, port uint16) uint64 {
	return hash5(kindContact, src, gen, dst, uint64(proto)<<16|uint64(port))
}

// orphanWait is how long an outcome that arrived before its probe waits
// (orphanSecs in table time).
const (
	orphanWait       = 2 * time.Second
	orphanSecs tsecs = tsecs(orphanWait / time.Second)
)

// orphanKey holds an outcome that arrived before its probe.
func orphanKey(src addrKey, gen uint64, dst addrKey, proto uint8, port uint16) uint64 {
	return hash5(kindOrphan, src, gen, dst, uint64(proto)<<16|uint64(port))
}

// flowKey identifies a UDP flow in the direction of its first datagram.
func flowKey(a addrKey, aport uint16, b addrKey, bport uint16, proto uint8) uint64 {
	return hash5(kindFlow, a, uint64(aport), b, uint64(proto)<<16|uint64(bport))
}

// tcpFlowKey identifies a TCP connection in either direction, so that one
// lookup serves the segments of both ends.
func tcpFlowKey(a addrKey, aport uint16, b addrKey, bport uint16) uint64 {
	if b.hi < a.hi || (b.hi == a.hi && (b.lo < a.lo || (b.lo == a.lo && bport < aport))) {
		a, aport, b, bport = b, bport, a, aport
	}
	return flowKey(a, aport, b, bport, ProtoTCP)
}

// IsGroup reports whether a is a multicast or the limited broadcast address:
// destinations no scan targets, which carry ordinary LAN chatter (mDNS,
// SSDP, DHCP) and which no connection-oriented probe can have. The decoder
// and the decoys share this test.
func IsGroup(a netip.Addr) bool {
	return a.IsMulticast() || a == limitedBroadcast
}

var limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// silent records that contact c of s, of family f, got no answer within
// the reply timeout; tech is the probe's technique. It reports whether the
// silence was weighed as a failure.
func (e *Engine) silent(s *source, c *slot, f family, tech Technique) bool {
	if c.n != stPending {
		return false
	}
	c.n = stUnanswered
	s.unanswered++
	switch {
	case f == famPing:
		s.pingDead++
	case s.seesOutcomes() && weighsSilence(tech):
		c.n = stUnansweredScored
		s.score++
		s.scoredSilent++
		return true
	}
	return false
}

// answered records the outcome o of contact c of s in family f. It
// reports false when the contact already had its outcome (only a contact's
// first outcome counts), and whether the contact's silence had been weighed
// as a failure before this late answer (its failure is then counted already,
// in the shape too).
func (e *Engine) answered(s *source, c *slot, f family, o Outcome) (ok, wasScored bool) {
	switch c.n {
	case stPending:
	case stUnanswered, stUnansweredScored:
		// A late answer: undo the silence.
		s.unanswered--
		if c.n == stUnansweredScored {
			s.score--
			s.scoredSilent--
			wasScored = true
		}
		if f == famPing {
			s.pingDead--
		}
	default:
		return false, false
	}
	if f == famNeighbour {
		// A neighbour answering says nothing either way: whether the
		// address is then used tells discovery from resolution.
		c.n = stSucceeded
		return true, false
	}
	s.answered++
	switch o {
	case Failed:
		c.n = stFailed
		s.failed++
		if f == famPing {
			s.pingDead++
		} else {
			s.score++
		}
	case Succeeded:
		c.n = stSucceeded
		s.succeeded++
		if f == famPing {
			s.pingOK++
		} else if s.score > -int32(e.cfg.SuccessCredit) {
			s.score--
		}
	}
	return true, wasScored
}

// decoy records that contact c of s touched a decoy: a failure, whatever it
// was before, with the weight of two (no legitimate client reaches a port
// that serves nothing). It reports whether the contact is a failure it was
// not counted as before.
func (e *Engine) decoy(s *source, c *slot) bool {
	was := c.n
	switch c.n {
	case stDecoy:
		return false
	case stSucceeded: // the decoy accepted the handshake: that is no success
		s.succeeded--
		s.failed++
		s.score += 3 // takes back the success's point too (at most one too many, had the floor kept it)
	case stFailed:
		s.score++
	case stUnanswered, stUnansweredScored:
		s.unanswered--
		s.failed++
		s.score++ // the silence's point, if scored, stays; the touch adds the rest
		if c.n == stUnanswered {
			s.score++
		} else {
			s.scoredSilent--
		}
	default:
		s.failed++
		s.score += 2
	}
	c.n = stDecoy
	s.decoyContacts++
	return was != stFailed && was != stUnansweredScored
}

// failedShape counts a failed port contact of s to dst proto/port in the
// host's and the port's records, so that the shape of a source's failures
// is known apart from the shape of all it did: a client's successes
// on port 443 of a hundred hosts do not make its refused scan of one host a
// sweep.
func (e *Engine) failedShape(s *source, dst addrKey, proto uint8, port uint16, now tsecs) {
	e.shapeBy(s, dst, proto, port, now, 1)
}

// unfailedShape takes back a failure failedShape counted: a silence answered
// late. The maxima stay (they are high-water marks); the counts they came
// from are corrected.
func (e *Engine) unfailedShape(s *source, dst addrKey, proto uint8, port uint16, now tsecs) {
	e.shapeBy(s, dst, proto, port, now, -1)
}

func (e *Engine) shapeBy(s *source, dst addrKey, proto uint8, port uint16, now tsecs, d int) {
	if d < 0 {
		if s.portFailures > 0 {
			s.portFailures--
		}
		if h := e.tab.find(hash5(kindHostPorts, s.key, s.gen, dst, 0), now); h != nil && h.sport > 0 {
			h.sport--
		}
		if ph := e.tab.find(hash5(kindPortHosts, s.key, s.gen, addrKey{}, uint64(proto)<<16|uint64(port)), now); ph != nil && ph.seq > 0 {
			ph.seq--
		}
		return
	}
	s.portFailures++
	if h := e.tab.find(hash5(kindHostPorts, s.key, s.gen, dst, 0), now); h != nil {
		h.sport++
		s.maxFailPortsOnHost = max(s.maxFailPortsOnHost, uint32(h.sport))
	}
	if ph := e.tab.find(hash5(kindPortHosts, s.key, s.gen, addrKey{}, uint64(proto)<<16|uint64(port)), now); ph != nil {
		ph.seq++
		if ph.seq > s.maxFailHostsOnPort {
			s.maxFailHostsOnPort, s.maxFailPort = ph.seq, port
		}
	}
}
