package detect

import "net/netip"

// sourceDetail is what a source's alerts describe and its verdict mostly
// does not need: its episode, samples of the hosts and ports it probed, the
// order it probed them in, its techniques, decoy co-senders, its decoy
// touches and, for an IPv6 prefix, the addresses seen in it. It is
// allocated by more, once the source proves more than a client making a
// connection or two: a third contact, an odd probe, a neighbour ask, a
// lock-step partner, a decoy touch, an allowlist rule, an episode.
// Until then a source keeps its first two contacts as notes (source.pend),
// which more replays, so that an alert describes its episode from the
// first contact on, exactly as if the detail had been there all along.
type sourceDetail struct {
	// found lists services answered open, the first found first;
	// allocated at the first, as sources that never scan need none. It
	// and its count lead the record, in the line an accepted connection's
	// answer prefetches (see PrefetchReply).
	found  *[maxSamples]foundSpot
	nFound uint8

	ep       episode
	rule     string     // the allowlist rule covering the source, if any
	leader   netip.Addr // set when this source is folded into another's decoy episode
	partners [4]partner // lock-step co-senders (decoy detection)
	hp       *honeyEpisode
	v6       *prefixAddrs // addresses seen, for a source aggregated by IPv6 prefix
	maxHost  netip.Addr   // the host of maxPortsOnHost or maxProtosOnHost

	portOrder, hostOrder, nbrOrder orderTrack // new ports on a host already probed; new hosts; neighbour asks
	nbrBurst                       burst      // unanswered discovery asks within the burst window
	nbrPaced                       burst      // discovery asks within sweepPace
	oddBurst                       burst      // odd probes within the burst window

	tech           [numTechniques]uint32
	nPorts, nHosts uint8
	portsSample    [maxSamples]uint16
	hostsSample    [maxSamples]addrKey
}

// foundSpot is a service that answered open.
type foundSpot struct {
	dst   addrKey
	port  uint16
	proto uint8
}

// contactNote is what a first contact adds to a source's description.
type contactNote struct {
	dst   addrKey
	at    ptime
	port  uint16
	proto uint8
	tech  Technique
	what  noteBits
}

// noteBits say what a contact was for the description.
type noteBits uint8

const (
	noteNewHost  noteBits = 1 << iota // the source's first contact with the host
	noteNewPort                       // ... with the protocol and port (ports sample)
	noteMaxHost                       // the host's count became the source's highest
	notePortStep                      // a new port on a host probed before (port order)
	notePortMark                      // the first port on a host (port order, no step)
	noteFound                         // it was answered open
)

// more returns s's detail, allocating it (and replaying the notes kept so
// far) if s has none.
func (s *source) more() *sourceDetail {
	if s.x != nil {
		return s.x
	}
	x := &sourceDetail{}
	s.x = x
	for i := range s.npend {
		x.describe(&s.pend[i])
	}
	s.npend = 0
	return x
}

// note records contact n in s's description: in its detail if it has one,
// else as a note, the third contact calling for the detail.
func (s *source) note(n contactNote) {
	if s.x == nil && int(s.npend) < len(s.pend) {
		s.pend[s.npend] = n
		s.npend++
		return
	}
	s.more().describe(&n)
}

// describe adds contact n to the description.
func (x *sourceDetail) describe(n *contactNote) {
	x.tech[n.tech]++
	if n.what&noteNewHost != 0 {
		if int(x.nHosts) < maxSamples {
			x.hostsSample[x.nHosts] = n.dst
			x.nHosts++
		}
		x.hostOrder.step(n.dst.lo, n.at)
	}
	if n.what&noteMaxHost != 0 {
		x.maxHost = addrOfKey(n.dst)
	}
	switch {
	case n.what&notePortStep != 0:
		x.portOrder.step(uint64(n.port), n.at)
	case n.what&notePortMark != 0:
		x.portOrder.mark(uint64(n.port), n.at)
	}
	if n.what&noteNewPort != 0 && int(x.nPorts) < maxSamples {
		x.portsSample[x.nPorts] = n.port
		x.nPorts++
	}
	if n.what&noteFound != 0 {
		x.addFound(foundSpot{n.dst, n.port, n.proto})
	}
}

func (x *sourceDetail) addFound(f foundSpot) {
	if x.found == nil {
		x.found = new([maxSamples]foundSpot)
	}
	if int(x.nFound) < maxSamples {
		x.found[x.nFound] = f
		x.nFound++
	}
}

// markFound records that s's contact ref was answered open (found true) or
// that the answer was a decoy's after all (found false).
func (s *source) markFound(ref contactRef, found bool) {
	if ref.fam != famPort {
		return
	}
	spot := foundSpot{ref.dst, ref.port, ref.proto}
	if s.x == nil {
		for i := range s.npend {
			if n := &s.pend[i]; n.dst == spot.dst && n.port == spot.port && n.proto == spot.proto {
				if found {
					n.what |= noteFound
				} else {
					n.what &^= noteFound
				}
			}
		}
		return
	}
	if found {
		s.x.addFound(spot)
		return
	}
	x := s.x
	for i := 0; i < int(x.nFound); i++ {
		if x.found[i] == spot {
			copy(x.found[i:x.nFound], x.found[i+1:x.nFound])
			x.nFound--
			return
		}
	}
}

func (x *sourceDetail) addPartner(a netip.Addr) uint32 {
	weakest := 0
	for i := range x.partners {
		if x.partners[i].addr == a {
			x.partners[i].n++
			return x.partners[i].n
		}
		if x.partners[i].n < x.partners[weakest].n {
			weakest = i
		}
	}
	x.partners[weakest] = partner{addr: a, n: 1}
	return 1
}

// techCount is how many first contacts s made with technique t.
func (s *source) techCount(t Technique) uint32 {
	if s.x != nil {
		return s.x.tech[t]
	}
	var n uint32
	for i := range s.npend {
		if s.pend[i].tech == t {
			n++
		}
	}
	return n
}

// open reports whether s has an episode open.
func (s *source) open() bool { return s.x != nil && s.x.ep.open }

// rule is the allowlist rule covering s, if any.
func (s *source) rule() string {
	if s.x == nil {
		return ""
	}
	return s.x.rule
}
