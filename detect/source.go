package detect

import (
	"net/netip"
	"time"
)

// maxSamples bounds the ports and hosts an alert can list; source state keeps
// them inline so that tracking a source never allocates beyond its record.
const maxSamples = 16

// source is what the engine remembers about one source address. It is a
// fixed-size record (no maps or slices), recycled when evicted, so probes
// from a source already tracked allocate nothing; a new source costs the
// LRU's list entry (golang-lru allocates one per insertion).
type source struct {
	// Hot fields, read by every probe, come first and share cache lines.
	// addr is the tracked address: the source itself or, for an IPv6
	// source aggregated by prefix, the prefix's first address (see agg).
	addr      netip.Addr
	key       addrKey
	gen       uint64 // generation: keys into the tables include it, so a reset forgets
	first     ptime  // packet time of the episode's first probe
	last      ptime
	touched   ptime // last LRU recency refresh (see sourceTable.front)
	probes    uint64
	contacts  uint32     // first contacts of ports, pings and protocols (neighbour asks apart)
	protected bool       // left probation (see sourceTable)
	leader    netip.Addr // set when this source is folded into another's decoy episode
	ep        episode

	hosts, ports                  uint32
	failed, succeeded, unanswered uint32
	retried                       uint32 // probes the sender's own stack re-sent identically: counted, never weighed
	answered                      uint32 // answers to port and ping contacts: the capture shows this source's return path
	unseen                        uint32 // contacts known only from the target's answers to them
	scoredSilent                  uint32 // unanswered contacts weighed as failures
	score                         int32  // Threshold Random Walk over port and protocol contacts, floored
	maxPortsOnHost                uint32
	maxHostsOnPort                uint32
	maxProtosOnHost               uint32
	maxFailPortsOnHost            uint32 // the same, counting failed contacts only
	maxFailHostsOnPort            uint32
	portFailures                  uint32 // failed port contacts (refused, weighed silences, decoys)
	maxFailPort                   uint16 // the port of maxFailHostsOnPort
	pingHosts, pingOK, pingDead   uint32 // hosts sent ICMP requests; of them answered, and unanswered or unreachable
	nbrAsks                       uint32 // neighbour (ARP/NDP) asks for new addresses
	nbrFound                      uint32 // of them, asks not followed by traffic to the address: discovery
	nbrReasks                     uint32 // addresses asked again after a refresh interval (see reask)
	nbrBurst                      burst  // unanswered discovery asks within the burst window
	nbrPaced                      burst  // discovery asks within sweepPace
	odd                           uint32 // probes no operating system sends
	oddBurst                      burst  // odd probes within the burst window
	osProbes                      uint32 // nmap OS-detection probes
	maxHost                       netip.Addr
	maxPort                       uint16
	maxProto                      uint8
	portOrder                     orderTrack // new ports on a host already probed
	hostOrder                     orderTrack // new hosts
	nbrOrder                      orderTrack // neighbour asks, kept apart: the stack's own ARP interleaves with IP probes
	tech                          [numTechniques]uint32
	nmapish, masscanish, zmapish  uint32
	partners                      [4]partner // lock-step co-senders (decoy detection)
	authorized                    bool       // the policy has judged this episode's first contact
	exceeded                      bool       // a probe left the covering rule's scope
	rule                          string     // the allowlist rule covering this source, if any
	decoyContacts                 uint32     // first contacts that were decoy touches
	hp                            *honeyEpisode
	v6                            *prefixAddrs // addresses seen, for a source aggregated by IPv6 prefix

	nPorts, nHosts uint8
	portsSample    [maxSamples]uint16
	hostsSample    [maxSamples]netip.Addr
}

// burst counts events within a window of packet time: the count restarts
// when the window since the burst's first event has passed.
type burst struct {
	start ptime
	n     uint32
}

// add counts an event at ns and returns the count within the window.
func (b *burst) add(ns ptime, window time.Duration) uint32 {
	if b.n == 0 || ns.sub(b.start) > window || ns < b.start {
		b.start, b.n = ns, 0
	}
	b.n++
	return b.n
}

type partner struct {
	addr netip.Addr
	n    uint32
}

// reset forgets everything but the address, starting a new generation.
func (s *source) reset(addr netip.Addr, gen uint64, now ptime) {
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
	at        ptime // packet time of last
	steps, up uint32
	begun     bool
}

// step records v, sent at packet time at, as the next in the sequence.
// Packets read from several capture sockets reach the engine in interleaved
// runs, not in wire order: judging each step by the packets' own times
// keeps a sequential scan sequential.
func (o *orderTrack) step(v uint64, at ptime) {
	if o.begun {
		o.steps++
		if (v > o.last) == (at >= o.at) {
			o.up++
		}
	}
	o.mark(v, at)
}

// mark records v as the latest without counting a step.
func (o *orderTrack) mark(v uint64, at ptime) {
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
