package sensor

import "strconv"

// LinkType is a capture's data link type: the LINKTYPE_ number from a pcap
// file header or a pcapng interface description block. It is 16 bits wide,
// unlike gopacket 1.1.19's layers.LinkType, which is 8 bits and cannot hold
// LINKTYPE_LINUX_SLL2 (276).
type LinkType uint16

// Link types the Decoder understands. LINKTYPE_RAW also appears in old files
// under its DLT_ numbers 12 and 14, which the Decoder accepts as well.
const (
	LinkTypeNull      LinkType = 0   // BSD loopback: 4-byte address family, host byte order
	LinkTypeEthernet  LinkType = 1   // Ethernet II, 802.1Q and QinQ tags
	LinkTypeRaw       LinkType = 101 // raw IPv4 or IPv6, told apart by the version nibble
	LinkTypeLoop      LinkType = 108 // OpenBSD loopback: 4-byte address family, network byte order
	LinkTypeLinuxSLL  LinkType = 113 // Linux "cooked" capture, 16-byte header
	LinkTypeIPv4      LinkType = 228 // raw IPv4
	LinkTypeIPv6      LinkType = 229 // raw IPv6
	LinkTypeLinuxSLL2 LinkType = 276 // Linux "cooked" capture v2, 20-byte header

	linkTypeRawDLT12 LinkType = 12 // DLT_RAW on most BSDs
	linkTypeRawDLT14 LinkType = 14 // DLT_RAW on OpenBSD
)

var linkTypeNames = map[LinkType]string{
	LinkTypeNull:      "null",
	LinkTypeEthernet:  "ethernet",
	LinkTypeRaw:       "raw",
	linkTypeRawDLT12:  "raw",
	linkTypeRawDLT14:  "raw",
	LinkTypeLoop:      "loop",
	LinkTypeLinuxSLL:  "linux-sll",
	LinkTypeIPv4:      "ipv4",
	LinkTypeIPv6:      "ipv6",
	LinkTypeLinuxSLL2: "linux-sll2",
}

// String names the link type, or gives its number when it is not one the
// Decoder understands.
func (l LinkType) String() string {
	if n, ok := linkTypeNames[l]; ok {
		return n
	}
	return "linktype-" + strconv.Itoa(int(l))
}

// Supported reports whether the Decoder can decode packets of this link type.
// Packets of other link types are counted as unsupported.
func (l LinkType) Supported() bool {
	_, ok := linkTypeNames[l]
	return ok
}
