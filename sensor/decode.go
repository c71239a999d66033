package sensor

import (
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// Handler receives what the Decoder makes of packets; *detect.Engine is one.
// The pointers are valid only during the call: the Decoder passes the same
// Probe and Reply value for every packet, so a Handler that keeps one must
// copy it.
type Handler interface {
	Probe(*detect.Probe)
	Reply(*detect.Reply)
}

// Decoder turns packets into Probe and Reply calls on a Handler. It owns its
// gopacket layers, parsers and the one Probe and Reply it passes on, so
// decoding a well-formed packet does not allocate. A Decoder is not safe for
// concurrent use; give each capture goroutine its own.
type Decoder struct {
	h Handler

	// The layers every parser decodes into, and one parser per first layer.
	eth   ethernet
	vlan  dot1q
	ip4   ipv4
	ip6   ipv6
	tcp   tcpLayer
	udp   udpLayer
	icmp4 layers.ICMPv4
	icmp6 layers.ICMPv6
	sctp  layers.SCTP

	ethParser, vlanParser, ip4Parser, ip6Parser *gopacket.DecodingLayerParser
	decoded                                     []gopacket.LayerType

	// State of the packet being decoded.
	ts  time.Time
	cut bool // the capture cut the packet short of what its IP header declares
	net netInfo

	// frags reassembles fragmented datagrams (frag.go).
	frags fragTable

	probe detect.Probe
	reply detect.Reply
	stats DecodeStats
}

// netInfo is what the network layer says about the packet being decoded,
// whichever IP version carried it.
type netInfo struct {
	src, dst netip.Addr
	proto    uint8
	ttl      uint8
	ipid     uint16
	v6       bool
	// fp holds the IP layer's marks (DF, reassembled), which every probe
	// of the packet carries besides its transport's own.
	fp detect.Fingerprint
	// claimed is the transport length the IP header declares; it can exceed
	// what was captured, and tells whether a segment carried payload even
	// when the snap length cut the payload off.
	claimed int
}

// outcome is what decoding one packet came to; each maps to one counter.
type outcome uint8

const (
	outIgnored outcome = iota
	outProbe
	outReply
	outUnsupported
	outError
	outTruncated
)

// NewDecoder returns a Decoder that calls h. h must not be nil.
func NewDecoder(h Handler) *Decoder {
	d := &Decoder{h: h, decoded: make([]gopacket.LayerType, 0, 8)}
	// The sparse container indexes decoders by layer type number: the
	// fastest lookup gopacket offers, and our layer types are small numbers.
	var dlc gopacket.DecodingLayerContainer = gopacket.DecodingLayerSparse(nil)
	for _, l := range []gopacket.DecodingLayer{
		&d.eth, &d.vlan, &d.ip4, &d.ip6, &d.tcp, &d.udp, &d.icmp4, &d.icmp6, &d.sctp,
	} {
		dlc = dlc.Put(l)
	}
	parser := func(first gopacket.LayerType) *gopacket.DecodingLayerParser {
		p := gopacket.NewDecodingLayerParser(first)
		p.SetDecodingLayerContainer(dlc)
		// The chain ends where there is no decoder (a TCP payload, say);
		// that is the normal end, not an error worth building a value for.
		// IgnorePanic stays false: a panic in a gopacket layer becomes an
		// error, counted, rather than taking the sensor down.
		p.IgnoreUnsupported = true
		return p
	}
	d.ethParser = parser(layers.LayerTypeEthernet)
	d.vlanParser = parser(layers.LayerTypeDot1Q)
	d.ip4Parser = parser(layers.LayerTypeIPv4)
	d.ip6Parser = parser(layers.LayerTypeIPv6)
	return d
}

// Stats returns the Decoder's counters.
func (d *Decoder) Stats() DecodeStats { return d.stats }

// Decode decodes one packet of the given link type, captured at ts, and calls
// the Handler at most once. data is only read, and only during the call.
func (d *Decoder) Decode(link LinkType, ts time.Time, data []byte) {
	d.stats.Packets++
	d.ts = ts
	d.cut = false
	switch d.decode(link, data) {
	case outProbe:
		d.stats.Decoded++
		d.stats.Probes++
		d.h.Probe(&d.probe)
	case outReply:
		d.stats.Decoded++
		d.stats.Replies++
		d.h.Reply(&d.reply)
	case outIgnored:
		d.stats.Decoded++
		d.stats.Ignored++
	case outUnsupported:
		d.stats.Unsupported++
	case outError:
		d.stats.DecodeErrors++
	case outTruncated:
		d.stats.Truncated++
	}
}

// decode dispatches on the link type. Ethernet and raw IP go straight to a
// parser; the fixed-size link headers of cooked and loopback captures are
// read by hand (gopacket has no SLL2 layer, and its LinuxSLL slices by the
// header's address length unchecked) and their EtherType picks the parser.
func (d *Decoder) decode(link LinkType, data []byte) outcome {
	switch link {
	case LinkTypeEthernet:
		return d.parse(d.ethParser, data)
	case LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14:
		return d.rawIP(data)
	case LinkTypeIPv4:
		return d.parse(d.ip4Parser, data)
	case LinkTypeIPv6:
		return d.parse(d.ip6Parser, data)
	case LinkTypeLinuxSLL:
		return d.linuxSLL(data)
	case LinkTypeLinuxSLL2:
		return d.linuxSLL2(data)
	case LinkTypeNull, LinkTypeLoop:
		return d.loopback(data)
	}
	return outUnsupported
}

// byEtherType continues decoding data, which follows a link header that
// named its protocol by EtherType.
func (d *Decoder) byEtherType(etherType uint16, data []byte) outcome {
	switch etherNext(etherType) {
	case layers.LayerTypeIPv4:
		return d.parse(d.ip4Parser, data)
	case layers.LayerTypeIPv6:
		return d.parse(d.ip6Parser, data)
	case layers.LayerTypeDot1Q:
		return d.parse(d.vlanParser, data)
	}
	return outUnsupported
}

// parse runs one parser and hands the decoded network layer on.
func (d *Decoder) parse(p *gopacket.DecodingLayerParser, data []byte) outcome {
	err := p.DecodeLayers(data, &d.decoded)
	d.cut = p.Truncated
	var network, transport gopacket.LayerType
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeEthernet, layers.LayerTypeDot1Q:
		case layers.LayerTypeIPv4, layers.LayerTypeIPv6:
			network = t
		default:
			transport = t
		}
	}
	switch network {
	case layers.LayerTypeIPv4:
		return d.fromIPv4(transport)
	case layers.LayerTypeIPv6:
		return d.fromIPv6(transport)
	}
	if o, ok := d.arpAfterLink(); ok {
		return o
	}
	if err != nil {
		return d.broken()
	}
	return outUnsupported // LLC and other EtherTypes
}

// broken classifies a packet whose headers could not be read.
func (d *Decoder) broken() outcome {
	if d.cut {
		return outTruncated
	}
	return outError
}

func (d *Decoder) fromIPv4(transport gopacket.LayerType) outcome {
	ip := &d.ip4.IPv4
	if ip.Version != 4 {
		return outError
	}
	d.net = netInfo{
		src:     netip.AddrFrom4([4]byte(ip.SrcIP)),
		dst:     netip.AddrFrom4([4]byte(ip.DstIP)),
		proto:   uint8(ip.Protocol),
		ttl:     ip.TTL,
		ipid:    ip.Id,
		claimed: int(ip.Length) - int(ip.IHL)*4,
	}
	if ip.Flags&layers.IPv4DontFragment != 0 {
		d.net.fp = detect.FPDontFragment
	}
	if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
		return d.fragment(&fragment{
			key:  fragKey{src: d.net.src, dst: d.net.dst, id: uint32(ip.Id), proto: d.net.proto},
			off:  int(ip.FragOffset) * 8,
			size: d.net.claimed,
			more: ip.Flags&layers.IPv4MoreFragments != 0,
			data: ip.Payload,
			ttl:  ip.TTL,
			fp:   d.net.fp,
		})
	}
	return d.transport(transport)
}

func (d *Decoder) fromIPv6(transport gopacket.LayerType) outcome {
	ip := &d.ip6
	if ip.ext.fragment {
		return d.fragment(&fragment{
			key:  fragKey{src: ip.src, dst: ip.dst, id: ip.ext.fragID, proto: ip.ext.proto},
			off:  ip.ext.fragOff,
			size: ip.claimed,
			more: ip.ext.fragMore,
			data: ip.ext.rest,
			ttl:  ip.hopLimit,
		})
	}
	d.net = netInfo{
		src:     ip.src,
		dst:     ip.dst,
		proto:   ip.ext.proto,
		ttl:     ip.hopLimit,
		v6:      true,
		claimed: ip.claimed,
	}
	return d.transport(transport)
}

// transport maps the packet by its IP protocol; decoded is the transport
// layer the parser got to, if any.
func (d *Decoder) transport(decoded gopacket.LayerType) outcome {
	var want gopacket.LayerType
	switch p := d.net.proto; {
	case p == uint8(layers.IPProtocolTCP):
		want = layers.LayerTypeTCP
	case p == uint8(layers.IPProtocolUDP):
		want = layers.LayerTypeUDP
	case p == uint8(layers.IPProtocolSCTP):
		want = layers.LayerTypeSCTP
	case p == uint8(layers.IPProtocolICMPv4) && !d.net.v6:
		want = layers.LayerTypeICMPv4
	case p == uint8(layers.IPProtocolICMPv6) && d.net.v6:
		want = layers.LayerTypeICMPv6
	default:
		return d.otherProtocol()
	}
	if decoded != want {
		return d.missingTransport()
	}
	switch want {
	case layers.LayerTypeTCP:
		return d.tcpSegment()
	case layers.LayerTypeUDP:
		return d.udpDatagram()
	case layers.LayerTypeSCTP:
		return d.sctpPacket()
	case layers.LayerTypeICMPv4:
		return d.icmpv4()
	default:
		return d.icmpv6()
	}
}

// missingTransport classifies a packet whose transport header is absent or
// unreadable. Fragments never get here: their datagram is decoded once
// reassembled.
func (d *Decoder) missingTransport() outcome {
	if d.cut {
		return outTruncated
	}
	return outError
}

// otherProtocol maps a packet of an IP protocol without ports (nmap -sO
// probes every protocol number).
func (d *Decoder) otherProtocol() outcome {
	if detect.IsGroup(d.net.dst) {
		return outIgnored // IGMP, OSPF, VRRP, PIM: ordinary LAN chatter to groups
	}
	d.probe = detect.Probe{
		Time:      d.ts,
		Src:       d.net.src,
		Dst:       d.net.dst,
		Proto:     d.net.proto,
		Technique: detect.TechIPProto,
		TTL:       d.net.ttl,
		IPID:      d.net.ipid,
		FP:        d.net.fp,
	}
	return outProbe
}
