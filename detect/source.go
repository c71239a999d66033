package detect

import "net/netip"

// maxSamples bounds the ports and hosts an alert can list; source state keeps
// them inline so that tracking a source never allocates beyond its record.
const maxSamples = 16

// pendingSlots is how many unanswered first contacts a source remembers to
// judge after the reply timeout. When more are outstanding the oldest are
// forgotten unjudged: a fast scanner is caught by breadth long before.
const pendingSlots = 8

// source is what the engine remembers about one source address. It is a
// fixed-size record (no maps or slices), recycled when evicted, so probes
// from a source already tracked allocate nothing; a new source costs the
// LRU's list entry (golang-lru allocates one per insertion).
type source struct {
	// Hot fields, read by every probe, come first and share cache lines.
	addr      netip.Addr
	key       addrKey
	gen       uint64 // generation: keys into the tables include it, so a reset forgets
	first     int64  // packet time, ns
	last      int64
	touched   int64 // last LRU recency refresh (see sourceTable.front)
	probes    uint64
	contacts  uint32
	pendHead  uint8
	pendLen   uint8
	protected bool // left probation (see sourceTable)
	pending   [pendingSlots]pendingContact
	leader    netip.Addr // set when this source is folded into another's decoy episode
	ep        episode

	hosts, ports                  uint32
	failed, succeeded, unanswered uint32
	retried                       uint32 // contacts the sender's own stack re-sent identically
	answered                      uint32 // replies of any outcome: the capture shows this source's return path
	score                         int32  // Threshold Random Walk: failed minus succeeded first contacts, floored
	maxPortsOnHost                uint32
	maxHostsOnPort                uint32
	maxProtosOnHost, maxPingHosts uint32
	maxHost                       netip.Addr
	maxPort                       uint16
	maxProto                      uint8
	portOrder                     orderTrack // new ports on a host already probed
	hostOrder                     orderTrack // new hosts
	arpOrder                      orderTrack // ARP requests, kept apart: the stack's own ARP interleaves with IP probes
	tech                          [numTechniques]uint32
	nmapish, masscanish, zmapish  uint32
	firstSport                    uint16
	firstSeq                      uint32
	sameSportSeq                  uint32
	partners                      [4]partner // lock-step co-senders (decoy detection)
	authorized                    bool       // the policy has judged this episode's first contact
	exceeded                      bool       // a probe left the covering rule's scope
	rule                          string     // the allowlist rule covering this source, if any
	decoyContacts                 uint32     // first contacts that were decoy touches
	hp                            *honeyEpisode

	nPorts, nHosts uint8
	portsSample    [maxSamples]uint16
	hostsSample    [maxSamples]netip.Addr
}

type pendingContact struct {
	key uint64
	t   int64
}

type partner struct {
	addr netip.Addr
	n    uint32
}

// reset forgets everything but the address, starting a new generation.
func (s *source) reset(addr netip.Addr, gen uint64, now int64) {
	*s = source{addr: addr, key: keyOf(addr), gen: gen, first: now, last: now}
}

func (s *source) addPortSample(p uint16) {
	if int(s.nPorts) < maxSamples {
		s.portsSample[s.nPorts] = p
		s.nPorts++
	}
}

func (s *source) addHostSample(a netip.Addr) {
	if int(s.nHosts) < maxSamples {
		s.hostsSample[s.nHosts] = a
		s.nHosts++
	}
}

// pushPending remembers a new first contact until its reply timeout.
func (s *source) pushPending(key uint64, t int64) {
	if s.pendLen == pendingSlots {
		s.pendHead = (s.pendHead + 1) % pendingSlots
		s.pendLen--
	}
	s.pending[(s.pendHead+s.pendLen)%pendingSlots] = pendingContact{key, t}
	s.pendLen++
}

// popExpired returns the oldest pending contact older than deadline.
func (s *source) popExpired(deadline int64) (uint64, bool) {
	if s.pendLen == 0 || s.pending[s.pendHead].t > deadline {
		return 0, false
	}
	k := s.pending[s.pendHead].key
	s.pendHead = (s.pendHead + 1) % pendingSlots
	s.pendLen--
	return k, true
}

func (s *source) addPartner(a netip.Addr) uint32 {
	weakest := 0
	for i := range s.partners {
		if s.partners[i].addr == a {
			s.partners[i].n++
			return s.partners[i].n
		}
		if s.partners[i].n < s.partners[weakest].n {
			weakest = i
		}
	}
	s.partners[weakest] = partner{addr: a, n: 1}
	return 1
}

// prio is the table priority of this source's records: 1 once it has made a
// second first contact (and left probation), 0 before.
func (s *source) prio() uint16 {
	if s.protected {
		return 1
	}
	return 0
}

// orderTrack follows a sequence of new ports or hosts: how many steps it
// took and how many of them ascend in the order the probes were sent.
type orderTrack struct {
	last      uint64
	at        int64 // packet time of last, ns
	steps, up uint32
	begun     bool
}

// step records v, sent at packet time at, as the next in the sequence.
// Packets read from several capture sockets reach the engine in interleaved
// runs, not in wire order: judging each step by the packets' own times
// keeps a sequential scan sequential.
func (o *orderTrack) step(v uint64, at int64) {
	if o.begun {
		o.steps++
		if (v > o.last) == (at >= o.at) {
			o.up++
		}
	}
	o.mark(v, at)
}

// mark records v as the latest without counting a step.
func (o *orderTrack) mark(v uint64, at int64) {
	o.last, o.at, o.begun = v, at, true
}

// order names the sequence: sequential when at least 80 % of its steps
// ascend, unknown below three steps.
func (o *orderTrack) order() string {
	switch {
	case o.steps < 3:
		return "unknown"
	case o.up*10 >= o.steps*8:
		return "sequential"
	}
	return "random"
}
