package corpus

import "encoding/binary"

// mac is an Ethernet address.
type mac [6]byte

var broadcast = mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// macOf gives a host a locally administered address derived from its IPv4
// address, so that a capture's MACs and addresses stay consistent.
func macOf(a ip4) mac { return mac{0x02, 0xc6, a[0], a[1], a[2], a[3]} }

const (
	etherIPv4 = 0x0800
	etherARP  = 0x0806
)

// ether frames payload. Frames shorter than Ethernet's 60-byte minimum are
// zero-padded, as a tap or span port captures them from the wire.
func ether(dst, src mac, typ uint16, payload []byte) []byte {
	f := make([]byte, 14, max(60, 14+len(payload)))
	copy(f[0:6], dst[:])
	copy(f[6:12], src[:])
	binary.BigEndian.PutUint16(f[12:14], typ)
	f = append(f, payload...)
	for len(f) < 60 {
		f = append(f, 0)
	}
	return f
}

// ARP operations.
const (
	arpRequest = 1
	arpReply   = 2
)

// arp is an ARP packet for IPv4 over Ethernet (RFC 826). A request's target
// hardware address is zero; a unicast refresh still leaves it zero, as Linux
// and Windows do.
func arp(op uint16, sha mac, spa ip4, tha mac, tpa ip4) []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint16(b[0:2], 1) // Ethernet
	binary.BigEndian.PutUint16(b[2:4], etherIPv4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:8], op)
	copy(b[8:14], sha[:])
	copy(b[14:18], spa[:])
	copy(b[18:24], tha[:])
	copy(b[24:28], tpa[:])
	return b
}
