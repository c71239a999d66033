package sensor

import (
	"encoding/binary"
	"net/netip"

	"github.com/portsnare/portsnare/detect"
)

// quotedTransportLen is how much of the quoted datagram's payload an ICMP
// error carries at least (RFC 792; RFC 4443 quotes more): enough for the
// ports of TCP, UDP and SCTP and for an ICMP request's type and identifier.
const quotedTransportLen = 8

// An ICMP error quotes the header of the datagram that caused it. The quote
// is read by hand, without gopacket, so that reusing the Decoder's layers
// for it cannot disturb the outer packet's; every read is bounds-checked and
// a quote cut short counts as truncated (when the capture cut it) or as a
// decode error (when the sender did).

// quotedIPv4 reads the IPv4 header and first payload bytes quoted in an
// ICMPv4 destination unreachable or time exceeded, whose outcome is out.
func (d *Decoder) quotedIPv4(q []byte, out detect.Outcome) outcome {
	if len(q) < 20 {
		return d.broken()
	}
	if q[0]>>4 != 4 {
		return outError
	}
	ihl := int(q[0]&0x0f) * 4
	if ihl < 20 {
		return outError
	}
	if len(q) < ihl {
		return d.broken()
	}
	later := binary.BigEndian.Uint16(q[6:8])&0x1fff != 0
	prober := netip.AddrFrom4([4]byte(q[12:16]))
	target := netip.AddrFrom4([4]byte(q[16:20]))
	return d.quotedTransport(q[9], prober, target, false, later, q[ihl:], out)
}

// quotedIPv6 reads the IPv6 header, extension headers and first payload
// bytes quoted in an ICMPv6 destination unreachable or time exceeded, whose
// outcome is out.
func (d *Decoder) quotedIPv6(q []byte, out detect.Outcome) outcome {
	if len(q) < 40 {
		return d.broken()
	}
	if q[0]>>4 != 6 {
		return outError
	}
	ext, err := walkIPv6Ext(q[6], q[40:])
	switch err {
	case nil:
	case errIPv6ExtShort:
		return d.broken()
	default:
		return outError
	}
	prober := netip.AddrFrom16([16]byte(q[8:24]))
	target := netip.AddrFrom16([16]byte(q[24:40]))
	return d.quotedTransport(ext.proto, prober, target, true, ext.later, ext.rest, out)
}

// quotedTransport fills a reply of outcome out for the quoted probe: from its prober
// to its target, with the quoted ports, or for a quoted ICMP request with
// its type and identifier. Other protocols have no ports (an IP-protocol
// scan is answered with protocol unreachable).
func (d *Decoder) quotedTransport(proto uint8, prober, target netip.Addr, v6, later bool, l4 []byte, out detect.Outcome) outcome {
	var proberPort, targetPort uint16
	switch {
	case proto == detect.ProtoTCP || proto == detect.ProtoUDP || proto == detect.ProtoSCTP:
		if later {
			return outIgnored // a later fragment's quote has no ports to match a probe by
		}
		if len(l4) < quotedTransportLen {
			return d.broken()
		}
		proberPort = binary.BigEndian.Uint16(l4[0:2])
		targetPort = binary.BigEndian.Uint16(l4[2:4])
	case proto == detect.ProtoICMP && !v6, proto == detect.ProtoICMPv6 && v6:
		if later {
			return outIgnored
		}
		if len(l4) < quotedTransportLen {
			return d.broken()
		}
		typ := l4[0]
		if v6 && typ != icmp6Echo || !v6 && !icmp4Request(typ) {
			return outIgnored // an error about a reply or an error says nothing of a probe
		}
		targetPort = uint16(typ)
		proberPort = binary.BigEndian.Uint16(l4[4:6])
	}
	d.reply = detect.Reply{
		Time:       d.ts,
		Prober:     prober,
		Target:     target,
		Proto:      proto,
		ProberPort: proberPort,
		TargetPort: targetPort,
		Outcome:    out,
		// The quoted header names the probe exactly.
		AnswersProbe: true,
	}
	return outReply
}
