package sensor

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// IPv6 next-header values of the extension headers the Decoder steps over.
const (
	ip6HopByHop = 0
	ip6Routing  = 43
	ip6Fragment = 44
	ip6AuthHdr  = 51
	ip6DestOpts = 60
	// maxIPv6Ext bounds the walk: real stacks send two or three extension
	// headers; a longer chain is crafted and not worth following.
	maxIPv6Ext = 8
)

// Errors are package values so that a malformed packet costs no allocation.
var (
	errIPv6Short    = errors.New("IPv6 header shorter than 40 bytes")
	errIPv6Version  = errors.New("IPv6 header with a version other than 6")
	errIPv6ExtShort = errors.New("IPv6 extension header runs past the packet")
	errIPv6ExtChain = errors.New("IPv6 extension header chain longer than 8")
)

// ip6ext is where an IPv6 extension header chain ends.
type ip6ext struct {
	proto    uint8  // the final next header: the upper-layer protocol
	rest     []byte // the upper-layer header and what follows
	fragment bool   // the datagram is fragmented
	later    bool   // and this is not its first fragment: rest holds no upper-layer header

	// The fragment header's fields, when the walk stopped at it (see
	// walkIPv6ToFragment); proto and rest are then its next header and the
	// fragment's data.
	fragID   uint32
	fragOff  int // in bytes
	fragMore bool
}

// walkIPv6Ext steps over hop-by-hop, routing, destination options, fragment
// and authentication headers, starting with next header nh at p, through a
// first fragment's header to the transport header: the walk for the chain
// quoted in an ICMPv6 error, which holds the quoted first fragment's start.
func walkIPv6Ext(nh uint8, p []byte) (ip6ext, error) {
	return walkIPv6(nh, p, false)
}

// walkIPv6ToFragment is walkIPv6Ext for a packet's own chain: it stops at
// the fragment header of a real fragment, first or later. Fragments are
// reassembled from there, and the headers after it may continue in the next
// fragment (RFC 8200 lets a sender split them; nmap --mtu does).
func walkIPv6ToFragment(nh uint8, p []byte) (ip6ext, error) {
	return walkIPv6(nh, p, true)
}

// walkIPv6 walks an extension header chain; untilFragment stops it at a
// real fragment's fragment header.
func walkIPv6(nh uint8, p []byte, untilFragment bool) (ip6ext, error) {
	fragment := false
	for range maxIPv6Ext {
		var n int
		switch nh {
		case ip6HopByHop, ip6Routing, ip6DestOpts:
			if len(p) < 2 {
				return ip6ext{}, errIPv6ExtShort
			}
			n = (int(p[1]) + 1) * 8
		case ip6AuthHdr:
			if len(p) < 2 {
				return ip6ext{}, errIPv6ExtShort
			}
			n = (int(p[1]) + 2) * 4
		case ip6Fragment:
			if len(p) < 8 {
				return ip6ext{}, errIPv6ExtShort
			}
			offset := int(binary.BigEndian.Uint16(p[2:4])>>3) * 8
			more := p[3]&1 != 0
			// An "atomic fragment" (offset 0, no more fragments) is a whole
			// datagram with a fragment header; only real fragments count.
			split := offset != 0 || more
			fragment = fragment || split
			if split && (untilFragment || offset != 0) {
				return ip6ext{proto: p[0], rest: p[8:], fragment: true, later: offset != 0,
					fragID: binary.BigEndian.Uint32(p[4:8]), fragOff: offset, fragMore: more}, nil
			}
			n = 8
		default:
			return ip6ext{proto: nh, rest: p, fragment: fragment}, nil
		}
		if len(p) < n {
			return ip6ext{}, errIPv6ExtShort
		}
		nh, p = p[0], p[n:]
	}
	return ip6ext{}, errIPv6ExtChain
}

// ipv6 is the Decoder's IPv6 DecodingLayer. It replaces layers.IPv6 because
// that one allocates for every hop-by-hop option (each MLD report carries
// one) and its extension skipper does not give the fragment header's
// fields, which reassembly needs. This walks the chain in place.
type ipv6 struct {
	layers.BaseLayer
	src, dst netip.Addr
	hopLimit uint8
	ext      ip6ext
	// claimed is the upper-layer length the header declares (payload length
	// less extension headers), which may exceed what the capture kept.
	claimed int
}

// DecodeFromBytes implements gopacket.DecodingLayer.
func (ip *ipv6) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 40 {
		df.SetTruncated()
		return errIPv6Short
	}
	if data[0]>>4 != 6 {
		return errIPv6Version
	}
	payload := data[40:]
	plen := int(binary.BigEndian.Uint16(data[4:6]))
	switch {
	case plen == 0:
		// A jumbogram, or a segmentation-offload super-packet captured on
		// the sending host before the NIC filled in the length: take what
		// was captured.
		plen = len(payload)
	case plen < len(payload):
		payload = payload[:plen] // link-layer padding
	case plen > len(payload):
		df.SetTruncated()
	}
	ext, err := walkIPv6ToFragment(data[6], payload)
	if err != nil {
		return err
	}
	hdr := 40 + len(payload) - len(ext.rest)
	ip.src = netip.AddrFrom16([16]byte(data[8:24]))
	ip.dst = netip.AddrFrom16([16]byte(data[24:40]))
	ip.hopLimit = data[7]
	ip.ext = ext
	ip.claimed = plen - (hdr - 40)
	ip.BaseLayer = layers.BaseLayer{Contents: data[:hdr], Payload: ext.rest}
	return nil
}

// CanDecode implements gopacket.DecodingLayer.
func (ip *ipv6) CanDecode() gopacket.LayerClass { return layers.LayerTypeIPv6 }

// NextLayerType implements gopacket.DecodingLayer.
func (ip *ipv6) NextLayerType() gopacket.LayerType {
	if ip.ext.fragment {
		return gopacket.LayerTypeZero // the Decoder reassembles fragments first
	}
	return transportNext(ip.ext.proto, true, len(ip.ext.rest))
}
