package sensor

import (
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// The Decoder's DecodingLayers wrap gopacket's to choose the next layer
// themselves: the chain is always link -> 802.1Q tags -> IP -> transport and
// stops there, so tunnels, IPv4 fragments and application payloads never make
// the parser overwrite a layer it already decoded or look for decoders it
// does not have. Returning gopacket.LayerTypeZero ends the chain without an
// error; the Decoder then looks at what was decoded.

// EtherTypes the Decoder follows.
const (
	etherTypeIPv4  = 0x0800
	etherTypeIPv6  = 0x86dd
	etherTypeDot1Q = 0x8100
	etherTypeQinQ  = 0x88a8 // 802.1ad service tag
	etherTypeQinQ9 = 0x9100 // pre-standard QinQ outer tag, still common
)

// etherNext maps an EtherType to the layer that decodes what follows.
func etherNext(t uint16) gopacket.LayerType {
	switch t {
	case etherTypeIPv4:
		return layers.LayerTypeIPv4
	case etherTypeIPv6:
		return layers.LayerTypeIPv6
	case etherTypeDot1Q, etherTypeQinQ, etherTypeQinQ9:
		return layers.LayerTypeDot1Q
	}
	return gopacket.LayerTypeZero
}

// Minimum transport header sizes: shorter payloads stop the chain before the
// transport layer (which the Decoder then reports as truncated or malformed)
// rather than letting gopacket build an error value for them.
const (
	minTCP    = 20
	minUDP    = 8
	minICMPv4 = 8
	minICMPv6 = 8 // type, code, checksum and 4 more bytes: echo id/seq or the unused word of an error
	minSCTP   = 12
)

// transportNext maps an IP protocol number to the transport layer the
// Decoder reads, given the bytes available for it. ICMP counts only under
// IPv4 and ICMPv6 only under IPv6; the other way round they are treated as
// just another IP protocol.
func transportNext(proto uint8, v6 bool, n int) gopacket.LayerType {
	switch {
	case proto == uint8(layers.IPProtocolTCP) && n >= minTCP:
		return layers.LayerTypeTCP
	case proto == uint8(layers.IPProtocolUDP) && n >= minUDP:
		return layers.LayerTypeUDP
	case proto == uint8(layers.IPProtocolSCTP) && n >= minSCTP:
		return layers.LayerTypeSCTP
	case proto == uint8(layers.IPProtocolICMPv4) && !v6 && n >= minICMPv4:
		return layers.LayerTypeICMPv4
	case proto == uint8(layers.IPProtocolICMPv6) && v6 && n >= minICMPv6:
		return layers.LayerTypeICMPv6
	}
	return gopacket.LayerTypeZero
}

// ethernet is layers.Ethernet following only the EtherTypes in etherNext.
type ethernet struct{ layers.Ethernet }

func (e *ethernet) NextLayerType() gopacket.LayerType {
	return etherNext(uint16(e.EthernetType))
}

// dot1q is layers.Dot1Q (one 802.1Q or 802.1ad tag) following only the
// EtherTypes in etherNext, so stacked tags decode one after the other.
type dot1q struct{ layers.Dot1Q }

func (d *dot1q) NextLayerType() gopacket.LayerType {
	return etherNext(uint16(d.Type))
}

// ipv4 is layers.IPv4 whose next layer is the transport header of whole
// datagrams. Fragments, first or later, stop the chain: the Decoder
// reassembles them and decodes the transport header from what they hold
// together (a first fragment of nmap -f holds only part of it).
type ipv4 struct{ layers.IPv4 }

func (ip *ipv4) NextLayerType() gopacket.LayerType {
	if ip.FragOffset != 0 || ip.Flags&layers.IPv4MoreFragments != 0 {
		return gopacket.LayerTypeZero
	}
	return transportNext(uint8(ip.Protocol), false, len(ip.Payload))
}

// tcpLayer and udpLayer are layers.TCP and layers.UDP ending the chain: the Decoder
// reads no payload, and gopacket's own NextLayerType looks both ports up in
// a 512 KiB table of well-known ports, two cache misses per packet when a
// scan walks the ports (none of the layers it names is decoded here).
type tcpLayer struct{ layers.TCP }

func (*tcpLayer) NextLayerType() gopacket.LayerType { return gopacket.LayerTypePayload }

type udpLayer struct{ layers.UDP }

func (*udpLayer) NextLayerType() gopacket.LayerType { return gopacket.LayerTypePayload }
