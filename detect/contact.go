package detect

import (
	"net/netip"
	"time"
)

// contactState is a first contact's state, kept in slot.n of its record.
// Every change of it happens in transition (transition.go).
type contactState uint32

// Contact states.
const (
	stPending    contactState = iota // probed, no outcome yet
	stFailed                         // refused: RST, ICMP unreachable
	stSucceeded                      // answered: SYN-ACK, UDP answer, echo reply
	stUnanswered                     // no outcome within the reply timeout, not weighed
	// stUnansweredScored is stUnanswered weighed as a failure (a TCP or
	// SCTP opening from a source that gets answers): a late answer takes
	// the point back.
	stUnansweredScored
	stDecoy // touched a decoy
	// stPath: a path probe's answer (see path.go) — the contact was
	// answered, and its answer weighs nothing either way.
	stPath
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
