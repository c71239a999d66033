package sensor

import (
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// fragment files one IPv4 or IPv6 fragment and, when it completes the start
// of its datagram, decodes the datagram as the unfragmented packet would
// be, its probe marked FPFragmented. Until then, and for the datagram's
// later fragments, the packet counts as ignored.
func (d *Decoder) fragment(f *fragment) outcome {
	d.stats.Fragments++
	switch {
	case f.size == 0, f.more && f.size%8 != 0, f.off+f.size > maxDatagram:
		// No stack sends these: fragments carry data, all but the last
		// in multiples of 8 bytes (RFC 791, RFC 8200), and none reaches
		// past the largest datagram the length fields can describe.
		return outError
	}
	e := d.frags.add(f, d.ts.UnixNano(), &d.stats)
	if e == nil {
		return outIgnored
	}
	return d.reassembled(e)
}

// reassembled decodes a datagram from the start its fragments filled in.
func (d *Decoder) reassembled(e *fragEntry) outcome {
	data, claimed, partial := e.datagram()
	// What reassembly does not keep counts as cut off, as a snap length
	// would: a header running past it is truncated, not malformed.
	d.cut = partial
	d.net = netInfo{
		src:     e.key.src,
		dst:     e.key.dst,
		proto:   e.key.proto,
		ttl:     e.ttl,
		v6:      e.key.src.Is6(),
		claimed: claimed,
		fp:      e.fp | detect.FPFragmented,
	}
	if !d.net.v6 {
		d.net.ipid = uint16(e.key.id)
	} else {
		// Extension headers after the fragment header belong to the
		// fragmentable part and may have been split with it.
		ext, err := walkIPv6ToFragment(e.key.proto, data)
		switch {
		case err == errIPv6ExtShort:
			return d.broken()
		case err != nil, ext.fragment:
			return outError // too long a chain, or a fragment inside a fragment
		}
		d.net.proto = ext.proto
		d.net.claimed -= len(data) - len(ext.rest)
		data = ext.rest
	}
	return d.transport(d.decodeTransport(data))
}

// decodeTransport decodes the upper-layer header at the start of data into
// the Decoder's layer for the packet's protocol, and returns the layer type
// decoded, or LayerTypeZero when there is none or it does not decode.
func (d *Decoder) decodeTransport(data []byte) gopacket.LayerType {
	t := transportNext(d.net.proto, d.net.v6, len(data))
	var l gopacket.DecodingLayer
	switch t {
	case layers.LayerTypeTCP:
		l = &d.tcp
	case layers.LayerTypeUDP:
		l = &d.udp
	case layers.LayerTypeSCTP:
		l = &d.sctp
	case layers.LayerTypeICMPv4:
		l = &d.icmp4
	case layers.LayerTypeICMPv6:
		l = &d.icmp6
	default:
		return gopacket.LayerTypeZero
	}
	if l.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		return gopacket.LayerTypeZero
	}
	return t
}
