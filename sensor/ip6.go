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
}

// walkIPv6Ext steps over hop-by-hop, routing, destination options, fragment
// and authentication headers, starting with next header nh at p. It serves
// both the packet's own header chain and the chain quoted in an ICMPv6 error.
func walkIPv6Ext(nh uint8, p []byte) (ip6ext, error) {
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
			offset := binary.BigEndian.Uint16(p[2:4]) >> 3
			more := p[3]&1 != 0
			// An "atomic fragment" (offset 0, no more fragments) is a whole
			// datagram with a fragment header; only real fragments count.
			fragment = fragment || offset != 0 || more
			if offset != 0 {
				return ip6ext{proto: p[0], rest: p[8:], fragment: true, later: true}, nil
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
// one) and its extension skipper cannot tell a first fragment, which holds
// the transport header, from a later one. This walks the chain in place.
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
	ext, err := walkIPv6Ext(data[6], payload)
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
	if ip.ext.later {
		return gopacket.LayerTypeZero
	}
	return transportNext(ip.ext.proto, true, len(ip.ext.rest))
}
