package corpus

import (
	"fmt"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// ip4 is an IPv4 address.
type ip4 [4]byte

func (a ip4) String() string { return fmt.Sprintf("%d.%d.%d.%d", a[0], a[1], a[2], a[3]) }

func (a ip4) uint32() uint32 {
	return uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
}

// TCP flags.
const (
	fFIN = 0x01
	fSYN = 0x02
	fRST = 0x04
	fPSH = 0x08
	fACK = 0x10
)

// ipHdr holds what differs in an IPv4 header between the stacks modelled:
// TTL, identification and the don't-fragment bit.
type ipHdr struct {
	src, dst ip4
	ttl      uint8
	id       uint16
	df       bool
}

// tcpHdr is a TCP header; opts are sent in the order given, as each stack
// orders them (the order is part of its fingerprint).
type tcpHdr struct {
	sport, dport uint16
	seq, ack     uint32
	flags        uint8
	win          uint16
	opts         []layers.TCPOption
}

// encoder serializes IPv4 datagrams with correct lengths and checksums.
type encoder struct {
	buf gopacket.SerializeBuffer
}

func newEncoder() *encoder { return &encoder{buf: gopacket.NewSerializeBuffer()} }

var serialize = gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}

func (e *encoder) ip(h ipHdr, proto layers.IPProtocol) *layers.IPv4 {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: h.ttl, Id: h.id, Protocol: proto,
		SrcIP: h.src[:], DstIP: h.dst[:]}
	if h.df {
		ip.Flags = layers.IPv4DontFragment
	}
	return ip
}

// done returns a copy of the serialized datagram: the buffer is reused.
func (e *encoder) done(err error) []byte {
	if err != nil {
		// Every header here is built by this package from valid fields.
		panic(fmt.Sprintf("corpus: serialize: %v", err))
	}
	return append([]byte(nil), e.buf.Bytes()...)
}

func (e *encoder) tcp(h ipHdr, t tcpHdr, payload []byte) []byte {
	ip := e.ip(h, layers.IPProtocolTCP)
	seg := &layers.TCP{SrcPort: layers.TCPPort(t.sport), DstPort: layers.TCPPort(t.dport),
		Seq: t.seq, Ack: t.ack, Window: t.win, Options: t.opts,
		FIN: t.flags&fFIN != 0, SYN: t.flags&fSYN != 0, RST: t.flags&fRST != 0,
		PSH: t.flags&fPSH != 0, ACK: t.flags&fACK != 0}
	seg.SetNetworkLayerForChecksum(ip)
	return e.done(gopacket.SerializeLayers(e.buf, serialize, ip, seg, gopacket.Payload(payload)))
}

func (e *encoder) udp(h ipHdr, sport, dport uint16, payload []byte) []byte {
	ip := e.ip(h, layers.IPProtocolUDP)
	u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	u.SetNetworkLayerForChecksum(ip)
	return e.done(gopacket.SerializeLayers(e.buf, serialize, ip, u, gopacket.Payload(payload)))
}

// icmpError is an ICMP error (type 3 destination unreachable) quoting the
// datagram that caused it. Linux quotes as much of it as fits in 576 bytes.
func (e *encoder) icmpError(h ipHdr, code uint8, quoted []byte) []byte {
	if max := 576 - 20 - 8; len(quoted) > max {
		quoted = quoted[:max]
	}
	ip := e.ip(h, layers.IPProtocolICMPv4)
	ic := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, code)}
	return e.done(gopacket.SerializeLayers(e.buf, serialize, ip, ic, gopacket.Payload(quoted)))
}

// TCP options, built one at a time so each stack's order shows.
func optMSS(v uint16) layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{byte(v >> 8), byte(v)}}
}

func optNOP() layers.TCPOption { return layers.TCPOption{OptionType: layers.TCPOptionKindNop} }

func optWS(shift uint8) layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{shift}}
}

func optSACKOK() layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}
}

func optTS(val, ecr uint32) layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{
		byte(val >> 24), byte(val >> 16), byte(val >> 8), byte(val),
		byte(ecr >> 24), byte(ecr >> 16), byte(ecr >> 8), byte(ecr)}}
}
