package sensor

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// Test packets are built with gopacket's serializers, as a capture would
// hold them, and wrapped in link headers by hand where gopacket has none.

var serializeOpts = gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}

// serialize serializes layers into a fresh byte slice.
func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, serializeOpts, ls...); err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// checksummed is a transport layer that needs the IP pseudo-header.
type checksummed interface {
	SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
}

// v4 serializes an IPv4 packet carrying the given layers.
func v4(t testing.TB, src, dst string, proto layers.IPProtocol, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 51, Id: 0x1234, Protocol: proto,
		SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
	for _, l := range ls {
		if c, ok := l.(checksummed); ok {
			c.SetNetworkLayerForChecksum(ip)
		}
	}
	return serialize(t, append([]gopacket.SerializableLayer{ip}, ls...)...)
}

// v6 serializes an IPv6 packet whose next header is nh and whose payload is
// the given layers (extension headers included, as raw bytes).
func v6(t testing.TB, src, dst string, nh layers.IPProtocol, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	ip := &layers.IPv6{Version: 6, HopLimit: 57, NextHeader: nh,
		SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
	for _, l := range ls {
		if c, ok := l.(checksummed); ok {
			c.SetNetworkLayerForChecksum(ip)
		}
	}
	return serialize(t, append([]gopacket.SerializableLayer{ip}, ls...)...)
}

// ext6 is a raw IPv6 extension header (hop-by-hop, routing or destination
// options) of 8 bytes, followed by next header nh.
func ext6(nh layers.IPProtocol) gopacket.Payload {
	return gopacket.Payload{byte(nh), 0, 1, 4, 0, 0, 0, 0} // PadN option fills it
}

// frag6 is a raw IPv6 fragment header with identification 42.
func frag6(nh layers.IPProtocol, offset uint16, more bool) gopacket.Payload {
	return frag6ID(nh, offset, more, 42)
}

// frag6ID is a raw IPv6 fragment header; offset is in 8-byte units.
func frag6ID(nh layers.IPProtocol, offset uint16, more bool, id uint32) gopacket.Payload {
	h := gopacket.Payload{byte(nh), 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(h[4:8], id)
	fo := offset << 3
	if more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(h[2:4], fo)
	return h
}

// Transport layers.

type tcpOpt = layers.TCPOption

var (
	optMSS  = tcpOpt{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}}
	optNOP  = tcpOpt{OptionType: layers.TCPOptionKindNop}
	optSACK = tcpOpt{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}
	optTS   = tcpOpt{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)}
	optWS   = tcpOpt{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}}

	// nmapOSOptions are the options of nmap -O's T2-T6 probes: window
	// scale 10, NOP, MSS 265, timestamps 0xFFFFFFFF/0, SACK-permitted.
	nmapOSOptions = []tcpOpt{
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{10}},
		optNOP,
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{1, 9}},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}},
		optSACK,
	}
	// optTSEcho has nmap's TSval but echoes a peer's clock, as no nmap
	// probe does.
	optTSEcho = tcpOpt{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1}}
	// windowsOptionList is Windows' SYN layout: MSS, NOP, WS, NOP, NOP, SACK.
	windowsOptionList = []tcpOpt{optMSS, optNOP, optWS, optNOP, optNOP, optSACK}
)

// withDF sets the don't-fragment bit of a serialized IPv4 packet (the
// decoder does not check the header checksum, so it is left as is).
func withDF(ip []byte) []byte {
	ip = append([]byte(nil), ip...)
	ip[6] |= 0x40
	return ip
}

// tcp returns a TCP header with flags from a string of F S R P A U E C.
func tcp(sport, dport uint16, flags string, opts ...tcpOpt) *layers.TCP {
	t := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport),
		Seq: 0xdeadbeef, Window: 1024, Options: opts}
	for _, f := range flags {
		switch f {
		case 'F':
			t.FIN = true
		case 'S':
			t.SYN = true
		case 'R':
			t.RST = true
		case 'P':
			t.PSH = true
		case 'A':
			t.ACK = true
		case 'U':
			t.URG = true
		case 'E':
			t.ECE = true
		case 'C':
			t.CWR = true
		}
	}
	return t
}

func udp(sport, dport uint16) *layers.UDP {
	return &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
}

func icmp4(typ, code uint8, id uint16) *layers.ICMPv4 {
	return &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: id, Seq: 1}
}

// icmp6 returns an ICMPv6 header; body is the 4 bytes after the checksum
// (identifier and sequence for echo, unused for errors) and what follows.
func icmp6(typ, code uint8, body ...byte) gopacket.SerializableLayer {
	return icmp6Msg{typ, code, body}
}

type icmp6Msg struct {
	typ, code uint8
	body      []byte
}

// SerializeTo writes the message without a checksum, which the decoder
// does not check.
func (m icmp6Msg) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	buf, err := b.PrependBytes(4 + len(m.body))
	if err != nil {
		return err
	}
	buf[0], buf[1], buf[2], buf[3] = m.typ, m.code, 0, 0
	copy(buf[4:], m.body)
	return nil
}

func (m icmp6Msg) LayerType() gopacket.LayerType { return layers.LayerTypeICMPv6 }

func sctp(sport, dport uint16, chunks ...gopacket.SerializableLayer) []gopacket.SerializableLayer {
	return append([]gopacket.SerializableLayer{&layers.SCTP{SrcPort: layers.SCTPPort(sport), DstPort: layers.SCTPPort(dport)}}, chunks...)
}

func sctpChunk(typ layers.SCTPChunkType) gopacket.SerializableLayer {
	if typ == layers.SCTPChunkTypeInit || typ == layers.SCTPChunkTypeInitAck {
		return &layers.SCTPInit{SCTPChunk: layers.SCTPChunk{Type: typ}, InitiateTag: 7,
			AdvertisedReceiverWindowCredit: 65535, OutboundStreams: 10, InboundStreams: 10, InitialTSN: 1}
	}
	return &layers.SCTPEmptyLayer{SCTPChunk: layers.SCTPChunk{Type: typ}}
}

// Link headers.

// ether wraps an IP packet in an Ethernet header with the given EtherType,
// padded to the 60-byte minimum as on the wire.
func ether(etherType uint16, ip []byte) []byte {
	f := make([]byte, 14, 14+len(ip)+46)
	copy(f[0:6], []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55})
	copy(f[6:12], []byte{0, 0x66, 0x77, 0x88, 0x99, 0xaa})
	binary.BigEndian.PutUint16(f[12:14], etherType)
	f = append(f, ip...)
	for len(f) < 60 {
		f = append(f, 0)
	}
	return f
}

func eth4(ip []byte) []byte { return ether(etherTypeIPv4, ip) }
func eth6(ip []byte) []byte { return ether(etherTypeIPv6, ip) }

// vlan tags a packet of the given EtherType: it returns the tag plus packet,
// to be wrapped by ether (or vlan again) with the tag's own EtherType.
func vlan(id uint16, etherType uint16, payload []byte) []byte {
	t := make([]byte, 4, 4+len(payload))
	binary.BigEndian.PutUint16(t[0:2], id)
	binary.BigEndian.PutUint16(t[2:4], etherType)
	return append(t, payload...)
}

// sll wraps a packet in a Linux cooked v1 header.
func sll(packetType, arphrd, etherType uint16, payload []byte) []byte {
	h := make([]byte, 16, 16+len(payload))
	binary.BigEndian.PutUint16(h[0:2], packetType)
	binary.BigEndian.PutUint16(h[2:4], arphrd)
	binary.BigEndian.PutUint16(h[4:6], 6)
	copy(h[6:12], []byte{0, 1, 2, 3, 4, 5})
	binary.BigEndian.PutUint16(h[14:16], etherType)
	return append(h, payload...)
}

// sll2 wraps a packet in a Linux cooked v2 header.
func sll2(packetType uint8, arphrd, etherType uint16, payload []byte) []byte {
	h := make([]byte, 20, 20+len(payload))
	binary.BigEndian.PutUint16(h[0:2], etherType)
	binary.BigEndian.PutUint32(h[4:8], 3) // ifindex
	binary.BigEndian.PutUint16(h[8:10], arphrd)
	h[10] = packetType
	h[11] = 6
	copy(h[12:18], []byte{0, 1, 2, 3, 4, 5})
	return append(h, payload...)
}

// null wraps a packet in a 4-byte loopback header in the given byte order.
func null(order binary.ByteOrder, family uint32, payload []byte) []byte {
	h := make([]byte, 4, 4+len(payload))
	order.PutUint32(h, family)
	return append(h, payload...)
}

// recorder is a Handler that keeps copies of what it is given.
type recorder struct {
	probes  []detect.Probe
	replies []detect.Reply
}

func (r *recorder) Probe(p *detect.Probe) { r.probes = append(r.probes, *p) }
func (r *recorder) Reply(p *detect.Reply) { r.replies = append(r.replies, *p) }

// nopHandler discards everything, for allocation tests and benchmarks.
type nopHandler struct{}

func (nopHandler) Probe(*detect.Probe) {}
func (nopHandler) Reply(*detect.Reply) {}

// Short names for gopacket types used in case tables.
type (
	gopaPayload = gopacket.Payload
	gopaLayer   = gopacket.SerializableLayer
)
