package sensor

import "encoding/binary"

// Linux cooked-capture (SLL and SLL2) header fields.
const (
	sllLen  = 16 // packet type, ARPHRD type, address length, 8 address bytes, protocol
	sll2Len = 20 // protocol, reserved, ifindex, ARPHRD type, packet type, address length, 8 address bytes

	sllOutgoing    = 4   // PACKET_OUTGOING: sent by the capturing host
	arphrdLoopback = 772 // ARPHRD_LOOPBACK
)

// linuxSLL reads a LINKTYPE_LINUX_SLL header.
func (d *Decoder) linuxSLL(data []byte) outcome {
	if len(data) < sllLen {
		return outError
	}
	if isLoopbackEcho(binary.BigEndian.Uint16(data[0:2]), binary.BigEndian.Uint16(data[2:4])) {
		return outIgnored
	}
	return d.byEtherType(binary.BigEndian.Uint16(data[14:16]), data[sllLen:])
}

// linuxSLL2 reads a LINKTYPE_LINUX_SLL2 header, which gopacket 1.1.19 has no
// layer for.
func (d *Decoder) linuxSLL2(data []byte) outcome {
	if len(data) < sll2Len {
		return outError
	}
	if isLoopbackEcho(uint16(data[10]), binary.BigEndian.Uint16(data[8:10])) {
		return outIgnored
	}
	return d.byEtherType(binary.BigEndian.Uint16(data[0:2]), data[sll2Len:])
}

// isLoopbackEcho reports the outgoing copy of a packet on a loopback device.
// A capture on "any" sees every loopback packet twice, once outgoing and once
// incoming; counting both would double every probe sent to localhost.
func isLoopbackEcho(packetType, arphrd uint16) bool {
	return packetType == sllOutgoing && arphrd == arphrdLoopback
}

// Address families in loopback headers. Each system numbers AF_INET6 its
// own way.
const (
	afInet         = 2
	afInet6Linux   = 10
	afInet6NetBSD  = 24 // also OpenBSD
	afInet6FreeBSD = 28
	afInet6Darwin  = 30
)

// loopback reads the 4-byte address family of LINKTYPE_NULL (host byte order
// of the capturing machine) and LINKTYPE_LOOP (network byte order). The
// family is a small number, so the end holding its non-zero byte tells the
// byte order.
func (d *Decoder) loopback(data []byte) outcome {
	if len(data) < 4 {
		return outError
	}
	family := binary.LittleEndian.Uint32(data[0:4])
	if data[0] == 0 && data[1] == 0 {
		family = binary.BigEndian.Uint32(data[0:4])
	}
	switch family {
	case afInet:
		return d.parse(d.ip4Parser, data[4:])
	case afInet6Linux, afInet6NetBSD, afInet6FreeBSD, afInet6Darwin:
		return d.parse(d.ip6Parser, data[4:])
	}
	return outUnsupported
}

// rawIP decodes a packet that starts with its IP header; the version nibble
// tells IPv4 from IPv6.
func (d *Decoder) rawIP(data []byte) outcome {
	if len(data) == 0 {
		return outError
	}
	switch data[0] >> 4 {
	case 4:
		return d.parse(d.ip4Parser, data)
	case 6:
		return d.parse(d.ip6Parser, data)
	}
	return outError
}
