package corpus

import (
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// ip6 is an IPv6 address.
type ip6 [16]byte

const etherIPv6 = 0x86dd

// solicitedNode is the solicited-node multicast group of a (RFC 4291):
// ff02::1:ff00:0/104 with a's last 24 bits.
func solicitedNode(a ip6) ip6 {
	return ip6{0xff, 0x02, 10: 0, 11: 1, 12: 0xff, 13: a[13], 14: a[14], 15: a[15]}
}

// multicastMAC is the Ethernet group an IPv6 multicast address maps to
// (RFC 2464): 33:33 and its last 32 bits.
func multicastMAC(a ip6) mac { return mac{0x33, 0x33, a[12], a[13], a[14], a[15]} }

// NA flags (RFC 4861).
const (
	naRouter    = 0x80
	naSolicited = 0x40
	naOverride  = 0x20
)

func (e *encoder) ip6(src, dst ip6) *layers.IPv6 {
	// NDP is sent with hop limit 255, so a receiver knows it is on-link.
	return &layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: src[:], DstIP: dst[:]}
}

// ns is a neighbour solicitation for target carrying the sender's
// link-layer address.
func (e *encoder) ns(src, dst, target ip6, sll mac) []byte {
	ip := e.ip6(src, dst)
	ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborSolicitation, 0)}
	ic.SetNetworkLayerForChecksum(ip)
	msg := &layers.ICMPv6NeighborSolicitation{TargetAddress: target[:],
		Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptSourceAddress, Data: sll[:]}}}
	return e.done(gopacket.SerializeLayers(e.buf, serialize, ip, ic, msg))
}

// na is a neighbour advertisement for target; tll, when set, is the
// target link-layer address option, which Linux includes only when the
// solicitation was multicast.
func (e *encoder) na(src, dst, target ip6, flags uint8, tll *mac) []byte {
	ip := e.ip6(src, dst)
	ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)}
	ic.SetNetworkLayerForChecksum(ip)
	msg := &layers.ICMPv6NeighborAdvertisement{Flags: flags, TargetAddress: target[:]}
	if tll != nil {
		msg.Options = layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: tll[:]}}
	}
	return e.done(gopacket.SerializeLayers(e.buf, serialize, ip, ic, msg))
}
