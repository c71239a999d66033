package gen

import (
	"fmt"
	"net"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// TCP flag sets the generator sends.
const (
	fFIN = 0x01
	fSYN = 0x02
	fRST = 0x04
	fPSH = 0x08
	fACK = 0x10
)

// tcpOpts selects a TCP option set.
type tcpOpts uint8

const (
	optsNone tcpOpts = iota // masscan, zmap: no options
	optsMSS                 // nmap's raw SYN: MSS alone
	optsFull                // an operating system's connect(): MSS, SACK-permitted, timestamps, window scale
)

// pkt describes one packet to build. Addresses are IPv4.
type pkt struct {
	at       time.Duration // offset from the capture start
	src, dst [4]byte
	proto    layers.IPProtocol
	ttl      uint8
	ipid     uint16

	sport, dport uint16
	// TCP
	flags    uint8
	seq, ack uint32
	win      uint16
	opts     tcpOpts
	// ICMP
	icmpType, icmpCode uint8
	icmpID, icmpSeq    uint16

	payload []byte
}

var (
	macA = net.HardwareAddr{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}
	macB = net.HardwareAddr{0x02, 0x00, 0x5e, 0x10, 0x00, 0x02}

	fullOpts = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0, 1, 2, 3, 0, 0, 0, 0}},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
	mssOpts = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
	}
)

// builder serializes packets into one reused buffer, through layers it
// reuses too, so that writing millions of packets stays fast.
type builder struct {
	buf  gopacket.SerializeBuffer
	opts gopacket.SerializeOptions

	eth  layers.Ethernet
	ip   layers.IPv4
	tcp  layers.TCP
	udp  layers.UDP
	icmp layers.ICMPv4

	src, dst [4]byte
}

func newBuilder() *builder {
	b := &builder{
		buf:  gopacket.NewSerializeBuffer(),
		opts: gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
	}
	b.eth = layers.Ethernet{EthernetType: layers.EthernetTypeIPv4}
	b.ip = layers.IPv4{Version: 4, IHL: 5, SrcIP: b.src[:], DstIP: b.dst[:]}
	return b
}

// build returns the Ethernet frame for p, valid until the next call.
func (b *builder) build(p *pkt) ([]byte, error) {
	b.src, b.dst = p.src, p.dst
	b.eth.SrcMAC, b.eth.DstMAC = macA, macB
	if p.src[3]&1 == 1 {
		b.eth.SrcMAC, b.eth.DstMAC = macB, macA
	}
	b.ip.Protocol = p.proto
	b.ip.TTL = p.ttl
	b.ip.Id = p.ipid
	b.ip.Flags = layers.IPv4DontFragment
	var err error
	switch p.proto {
	case layers.IPProtocolTCP:
		b.tcp = layers.TCP{
			SrcPort: layers.TCPPort(p.sport), DstPort: layers.TCPPort(p.dport),
			Seq: p.seq, Ack: p.ack, Window: p.win,
			FIN: p.flags&fFIN != 0, SYN: p.flags&fSYN != 0, RST: p.flags&fRST != 0,
			PSH: p.flags&fPSH != 0, ACK: p.flags&fACK != 0,
		}
		switch p.opts {
		case optsMSS:
			b.tcp.Options = mssOpts
		case optsFull:
			b.tcp.Options = fullOpts
		}
		b.tcp.SetNetworkLayerForChecksum(&b.ip)
		err = gopacket.SerializeLayers(b.buf, b.opts, &b.eth, &b.ip, &b.tcp, gopacket.Payload(p.payload))
	case layers.IPProtocolUDP:
		b.udp = layers.UDP{SrcPort: layers.UDPPort(p.sport), DstPort: layers.UDPPort(p.dport)}
		b.udp.SetNetworkLayerForChecksum(&b.ip)
		err = gopacket.SerializeLayers(b.buf, b.opts, &b.eth, &b.ip, &b.udp, gopacket.Payload(p.payload))
	case layers.IPProtocolICMPv4:
		b.ip.Flags = 0
		b.icmp = layers.ICMPv4{
			TypeCode: layers.CreateICMPv4TypeCode(p.icmpType, p.icmpCode),
			Id:       p.icmpID, Seq: p.icmpSeq,
		}
		err = gopacket.SerializeLayers(b.buf, b.opts, &b.eth, &b.ip, &b.icmp, gopacket.Payload(p.payload))
	default:
		return nil, fmt.Errorf("gen: cannot build IP protocol %d", p.proto)
	}
	if err != nil {
		return nil, fmt.Errorf("gen: serialize %v packet: %w", p.proto, err)
	}
	return b.buf.Bytes(), nil
}

// quote returns what an ICMP error about p quotes: p's IP header and the
// first 8 bytes of its payload.
func (b *builder) quote(p *pkt) ([]byte, error) {
	frame, err := b.build(p)
	if err != nil {
		return nil, err
	}
	const ethLen, ipLen = 14, 20
	return append([]byte(nil), frame[ethLen:ethLen+ipLen+8]...), nil
}
