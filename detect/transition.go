package detect

// contactRef names a first contact: where it went, and what kind of
// evidence it gives.
type contactRef struct {
	dst   addrKey
	port  uint16 // or ICMP type, or NDPType/ARPPort
	proto uint8
	fam   family
	tech  Technique // how the probe was made
}

// contactEvent is what can happen to a first contact.
type contactEvent uint8

const (
	evSilence    contactEvent = iota // its reply timeout passed with no answer
	evRefused                        // a RST, an ICMP unreachable
	evAnswered                       // a SYN-ACK, a UDP answer, an echo reply, a challenge ACK
	evDecoy                          // it touched a decoy
	evAskUnused                      // a neighbour ask no traffic followed
	evReasked                        // the same neighbour asked for again
	evPathAnswer                     // a path probe's expiry or refusal (see path.go)
)

// openContact makes c a new first contact, pending its outcome. sport and
// seq are the probe's source port and sequence number (an identical probe
// again is the sender's stack retransmitting); a neighbour ask keeps the
// table time it was asked in seq instead.
func openContact(c *slot, sport uint16, seq uint32) {
	*c = slot{key: c.key, t: c.t, aux: c.aux, n: uint32(stPending), sport: sport, seq: seq}
}

// eventOf maps a reply's outcome to its event.
func eventOf(o Outcome) contactEvent {
	if o == Failed {
		return evRefused
	}
	return evAnswered
}

// transition applies ev to contact c of s at table time now. It is the one
// place where a contact's state changes, and with it the source's counters
// that follow from states: outcomes, the random walk's score, the ping and
// neighbour tallies, and the shape of its failures (see shapeBy). It
// reports whether the contact's state changed: only a contact's first
// outcome counts, and a late answer undoes a silence. A change that is
// fleet evidence goes to the evidence sink, when one is set (evidence.go).
func (e *Engine) transition(s *source, c *slot, ref contactRef, ev contactEvent, now tsecs) bool {
	changed := e.change(s, c, ref, ev, now)
	if changed && e.cfg.Evidence != nil {
		e.exportEvidence(s, c, ref, ev)
	}
	return changed
}

// change is transition's work: the state and the counters.
func (e *Engine) change(s *source, c *slot, ref contactRef, ev contactEvent, now tsecs) bool {
	st := contactState(c.n)
	switch ev {
	case evSilence:
		if st != stPending {
			return false
		}
		c.n = uint32(stUnanswered)
		s.unanswered++
		switch {
		case ref.fam == famPing:
			s.pingDead++
		case s.seesOutcomes() && weighsSilence(ref.tech):
			// A SYN or SCTP INIT nothing answers, from a source that
			// does get answers, went to no service.
			c.n = uint32(stUnansweredScored)
			s.score++
			s.scoredSilent++
			e.shapeBy(s, ref, now, 1)
		}
		return true

	case evPathAnswer:
		// The capture shows answers to this source, so that its breadth
		// is not judged as a one-way capture's; the answer weighs nothing.
		if st != stPending {
			return false
		}
		c.n = uint32(stPath)
		s.answered++
		return true

	case evRefused, evAnswered:
		wasScored := false
		switch st {
		case stPending:
		case stUnanswered, stUnansweredScored:
			// A late answer: undo the silence.
			s.unanswered--
			if st == stUnansweredScored {
				s.score--
				s.scoredSilent--
				wasScored = true
			}
			if ref.fam == famPing {
				s.pingDead--
			}
		default:
			return false
		}
		if ref.fam == famNeighbour {
			// A neighbour answering says nothing either way: whether the
			// address is then used tells discovery from resolution.
			c.n = uint32(stSucceeded)
			return true
		}
		s.answered++
		if ev == evRefused {
			c.n = uint32(stFailed)
			s.failed++
			if ref.fam == famPing {
				s.pingDead++
			} else {
				s.score++
				if !wasScored { // else its failure is counted already
					e.shapeBy(s, ref, now, 1)
				}
			}
			return true
		}
		c.n = uint32(stSucceeded)
		s.succeeded++
		s.markFound(ref, true)
		switch {
		case ref.fam == famPing:
			s.pingOK++
		case s.score > -int32(e.cfg.SuccessCredit):
			s.score--
		}
		if wasScored {
			e.shapeBy(s, ref, now, -1)
		}
		return true

	case evDecoy:
		// A failure, whatever it was before, with the weight of two: no
		// legitimate client reaches a port that serves nothing.
		switch st {
		case stDecoy:
			return false
		case stSucceeded: // the decoy accepted the handshake: that is no success
			s.succeeded--
			s.markFound(ref, false)
			s.failed++
			s.score += 3 // takes back the success's point too (at most one too many, had the floor kept it)
		case stFailed:
			s.score++
		case stUnanswered, stUnansweredScored:
			s.unanswered--
			s.failed++
			s.score++ // the silence's point, if scored, stays; the touch adds the rest
			if st == stUnanswered {
				s.score++
			} else {
				s.scoredSilent--
			}
		default:
			s.failed++
			s.score += 2
		}
		c.n = uint32(stDecoy)
		s.decoyContacts++
		if st != stFailed && st != stUnansweredScored {
			e.shapeBy(s, ref, now, 1) // a failure it was not counted as before
		}
		return true

	case evAskUnused:
		c.sport = askFound
		return true

	case evReasked:
		// A re-ask after reaskGap of an address counted as discovery is
		// a cache refresh; the record keeps when it was last asked.
		changed := false
		if c.sport == askFound && now >= tsecs(c.seq)+reaskGap {
			c.sport = askRefreshed
			s.nbrReasks++
			changed = true
		}
		c.seq = uint32(now)
		return changed
	}
	return false
}

// shapeBy counts (d = 1) or takes back (d = -1: a silence answered late) a
// failed port contact of s in the records of its host and its port, so
// that the shape of a source's failures is known apart from the shape of
// all it did: a client's successes on port 443 of a hundred hosts do not
// make its refused scan of one host a sweep. Taking back corrects the
// counts; the maxima stay (they are high-water marks).
func (e *Engine) shapeBy(s *source, ref contactRef, now tsecs, d int) {
	if ref.fam != famPort {
		return
	}
	hk := hash5(kindHostPorts, s.key, s.gen, ref.dst, 0)
	pk := hash5(kindPortHosts, s.key, s.gen, addrKey{}, uint64(ref.proto)<<16|uint64(ref.port))
	bk := hash5(kindBlock, s.key, s.gen, blockOf(ref.dst), 0)
	if d < 0 {
		if s.portFailures > 0 {
			s.portFailures--
		}
		if b := e.tab.find(bk, now); b != nil && b.n > 0 {
			b.n--
			s.set(blockShaped, blockHolds(b.n, s.portFailures))
		}
		if h := e.tab.find(hk, now); h != nil && h.sport > 0 {
			h.sport--
		}
		if ph := e.tab.find(pk, now); ph != nil && ph.seq > 0 {
			ph.seq--
		}
		return
	}
	s.portFailures++
	if h := e.tab.find(hk, now); h != nil {
		h.sport++
		s.maxFailPortsOnHost = max(s.maxFailPortsOnHost, uint32(h.sport))
	}
	if ph := e.tab.find(pk, now); ph != nil {
		ph.seq++
		if ph.seq > s.maxFailHostsOnPort {
			s.maxFailHostsOnPort, s.maxFailPort = ph.seq, ref.port
		}
	}
	b, _ := e.tab.upsert(bk, now, s.prio())
	b.n++
	s.set(blockShaped, blockHolds(b.n, s.portFailures))
}

// blockOf is the network block of a target: its /16 for IPv4, its /64
// for IPv6. A scan of random ports on random hosts of a range (masscan
// -p1-65535 over a /24 or a /16) maps no host and no port until it has
// probed many times more than the range has hosts, yet its failures all
// lie in the range. A peer-to-peer client's stale peers, the other source
// of failures spread over hosts and ports alike, are spread over the
// Internet's blocks. A /16 holds the common ranges and every /24 in them;
// a LAN client's failures lie in its block too, but a client is weighed
// by its successes first (see mostlyFailing), and a block only counts once
// it holds several failures and at least half of them.
func blockOf(k addrKey) addrKey {
	if k.hi == 0 && k.lo>>32 == 0xffff {
		return addrKey{0, k.lo &^ 0xffff}
	}
	return addrKey{k.hi, 0}
}

// blockHolds reports whether n failures in one block are a block's shape
// among all failures: several, and at least half of them.
func blockHolds(n, failures uint32) bool {
	return n >= concentration && 2*n >= failures
}
