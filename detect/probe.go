package detect

import (
	"net/netip"
	"time"
)

// IP protocol numbers the engine treats specially.
const (
	ProtoICMP   uint8 = 1
	ProtoTCP    uint8 = 6
	ProtoUDP    uint8 = 17
	ProtoICMPv6 uint8 = 58
	ProtoSCTP   uint8 = 132
	// ProtoARP marks ARP requests and replies. ARP is no IP protocol; its
	// contacts use ARPPort as their port, which no IP-protocol probe (port 0)
	// can collide with.
	ProtoARP uint8 = 0
)

// ARPPort is the "port" of an ARP contact (the ARP EtherType).
const ARPPort uint16 = 0x0806

// Technique is how a probe was made.
type Technique uint8

// Probe techniques. Window scans (nmap -sW) send exactly what ACK scans send and
// are reported as ACK: only the target's replies tell them apart.
const (
	TechUnknown   Technique = iota
	TechSYN                 // half-open SYN from a raw socket
	TechConnect             // SYN from an operating system's stack (full option set)
	TechFIN                 // FIN alone
	TechNULL                // no flags
	TechXmas                // FIN+PSH+URG
	TechACK                 // bare ACK to a flow never seen
	TechMaimon              // FIN+ACK to a flow never seen
	TechTCPOdd              // any other flag combination without SYN
	TechUDP                 // UDP datagram that answers nothing
	TechSCTPInit            // SCTP INIT
	TechICMP                // ICMP/ICMPv6 echo, timestamp or address-mask request
	TechIPProto             // a packet of an IP protocol other than TCP/UDP/ICMP/SCTP
	TechHoneyport           // a touch on a decoy listener
	TechARP                 // ARP request for an address (ARP sweeps on the local link)
	TechNDP                 // IPv6 neighbour solicitation for an address (NDP sweeps on the local link)
	// TechTCPUnseen is a TCP probe the sensor did not see: only the
	// target's answer to it (a RST or SYN-ACK) was captured, as on a tap
	// of an asymmetric path.
	TechTCPUnseen
	numTechniques
)

var techNames = [numTechniques]string{
	TechUnknown:   "unknown",
	TechSYN:       "syn",
	TechConnect:   "connect",
	TechFIN:       "fin",
	TechNULL:      "null",
	TechXmas:      "xmas",
	TechACK:       "ack",
	TechMaimon:    "maimon",
	TechTCPOdd:    "tcp-flags",
	TechUDP:       "udp",
	TechSCTPInit:  "sctp-init",
	TechICMP:      "icmp",
	TechIPProto:   "ipproto",
	TechHoneyport: "honeyport",
	TechARP:       "arp",
	TechNDP:       "ndp",
	TechTCPUnseen: "tcp",
}

// String returns the technique's name as it appears in alerts.
func (t Technique) String() string {
	if t < numTechniques {
		return techNames[t]
	}
	return "unknown"
}

// Fingerprint bits describe the probe packet's shape. They feed the tool
// attribution, which is evidence only and never a condition for alerting.
type Fingerprint uint16

const (
	// FPNoTCPOptions: a TCP packet without options.
	FPNoTCPOptions Fingerprint = 1 << iota
	// FPMSSOnly: the only TCP option is MSS (raw-socket scanners such as nmap).
	FPMSSOnly
	// FPFullOptions: SACK-permitted, timestamps or window scale present, as an
	// operating system's connect() sends them.
	FPFullOptions
	// FPPayload: the packet carries payload.
	FPPayload
	// FPNmapOS: a TCP timestamp option with TSval 0xFFFFFFFF and TSecr 0,
	// the mark of every TCP probe of nmap's OS detection (-O).
	FPNmapOS
	// FPWindowsOptions: exactly Windows' SYN options (MSS, NOP, window
	// scale, NOP, NOP, SACK-permitted; no timestamps).
	FPWindowsOptions
	// FPFragmented: the probe arrived in IP fragments and was reassembled
	// (nmap -f, --mtu): no ordinary stack fragments a SYN.
	FPFragmented
	// FPDontFragment: the IPv4 DF bit is set (operating systems set it;
	// most raw-socket scanners do not).
	FPDontFragment
)

// NDPType is the "port" of a neighbour-solicitation contact: the ICMPv6
// type of the solicitation (135). A solicitation is a Probe with Proto
// ProtoICMPv6, Technique TechNDP, Dst the address asked for (the NS target
// field, not the solicited-node multicast group it is sent to) and DstPort
// NDPType; the advertisement answering it is a Succeeded Reply with Target
// the advertised address and TargetPort NDPType.
const NDPType = 135

// Probe is a first-contact candidate: a packet that opens or probes.
// Fields irrelevant to the protocol are zero.
type Probe struct {
	Time     time.Time
	Src, Dst netip.Addr
	// Proto is the IP protocol number.
	Proto uint8
	// Technique is how the probe was made.
	Technique Technique
	// SrcPort and DstPort are the transport ports. For ICMP the destination
	// "port" is the request's ICMP type (8 echo, 13 timestamp, 17 address mask;
	// 128 for ICMPv6 echo); for other IP protocols both are zero.
	SrcPort, DstPort uint16
	// TCP fields (zero otherwise). Flags is the header's flag byte as sent,
	// CWR and ECE included.
	Seq    uint32
	Window uint16
	Flags  uint8
	// IP fields.
	TTL  uint8
	IPID uint16
	FP   Fingerprint
}

// Outcome is what a reply says about a first contact.
type Outcome uint8

// Outcomes.
const (
	// Failed: RST, ICMP unreachable or similar: nothing listens there.
	Failed Outcome = iota + 1
	// Succeeded: SYN-ACK, an answer to a UDP datagram, an echo reply.
	Succeeded
	// Expired: an ICMP time exceeded in transit quoting the probe: its
	// TTL ran out at a router on the way, so it says nothing about the
	// target — only that the prober is tracing the path to it (see
	// path.go).
	Expired
)

// Reply is a packet that tells the outcome of an earlier probe. Its fields are
// in the probe's orientation: the reply itself travels from Target (or a
// router on the way, for ICMP errors) to Prober.
type Reply struct {
	Time           time.Time
	Prober, Target netip.Addr
	Proto          uint8
	// ProberPort and TargetPort as in the probe; TargetPort is the request's
	// ICMP type for ICMP contacts.
	ProberPort, TargetPort uint16
	Outcome                Outcome
	// AnswersProbe: the reply can only be the answer to a probe — a SYN-ACK,
	// a RST-ACK with sequence number 0 (the answer to a segment without ACK:
	// a SYN, FIN, NULL or Xmas probe), an ICMP error quoting the probe, an
	// ICMP echo reply. A RST that closes a connection is not one. Only such
	// a reply makes the engine infer a probe it did not see (a tap on an
	// asymmetric path sees only the target's side).
	AnswersProbe bool
}
