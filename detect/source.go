package detect

import (
	"net/netip"
	"time"
)

// maxSamples bounds the ports and hosts an alert can list.
const maxSamples = 16

// source is what the engine remembers about one source address: the
// counters its verdict is read from, in a small fixed-size record that is
// recycled when evicted, so that probes from a source already tracked
// allocate nothing. What only its alerts describe — samples of hosts and
// ports, the order of its probes, techniques, its episode — lives in a
// detail record (see detail.go), allocated once the source makes its third
// contact or gives evidence of another kind: most sources never do, and
// their memory is what bounds a sensor's.
type source struct {
	// Hot fields, read by every probe, come first and share cache lines.
	// key is the tracked address: the source itself or, for an IPv6
	// source aggregated by prefix, the prefix (see agg and address).
	key      addrKey
	gen      uint64 // generation: keys into the tables include it, so a reset forgets
	first    ptime  // packet time of the episode's first probe
	last     ptime
	touched  ptime // last LRU recency refresh (see sourceTable.front)
	probes   uint64
	x        *sourceDetail // nil until needed (see more)
	contacts uint32        // first contacts of ports, pings and protocols (neighbour asks apart)

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
	ipproto                       uint32 // IP-protocol contacts
	pingHosts, pingOK, pingDead   uint32 // hosts sent ICMP requests; of them answered, and unanswered or unreachable
	nbrAsks                       uint32 // neighbour (ARP/NDP) asks for new addresses
	nbrFound                      uint32 // of them, asks not followed by traffic to the address: discovery
	nbrReasks                     uint32 // addresses asked again after a refresh interval (see evReasked)
	odd                           uint32 // probes no operating system sends
	osProbes                      uint32 // nmap OS-detection probes
	decoyContacts                 uint32 // first contacts that were decoy touches
	nmapish, masscanish, zmapish  uint32
	maxFailPort, maxPort          uint16 // the ports of maxFailHostsOnPort and maxHostsOnPort
	maxProto                      uint8
	npend                         uint8 // contacts in pend
	flags                         srcFlags
	pend                          [2]contactNote // a source's first contacts, until it has detail
}

// srcFlags are a source's yes-or-no facts, in one byte: the record is
// sized to a 256-byte allocation class, and three bools would overflow it.
type srcFlags uint8

const (
	protected   srcFlags = 1 << iota // left probation (see sourceTable)
	authorized                       // the policy has judged this episode's first contact
	exceeded                         // a probe left the covering rule's scope
	blockShaped                      // the block of its latest failure holds most of its failures (see shapeBy)
)

func (s *source) is(f srcFlags) bool { return s.flags&f != 0 }

func (s *source) set(f srcFlags, on bool) {
	if on {
		s.flags |= f
	} else {
		s.flags &^= f
	}
}

// address is the tracked address: the source's or its prefix's.
func (s *source) address() netip.Addr { return addrOfKey(s.key) }

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
func (s *source) reset(key addrKey, gen uint64, now ptime) {
	*s = source{key: key, gen: gen, first: now, last: now}
}

// prio is the table priority of this source's records: 1 once it has made a
// second first contact (and left probation), 0 before.
func (s *source) prio() uint16 {
	if s.is(protected) {
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
