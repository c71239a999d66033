package sensor

import (
	"encoding/binary"

	"github.com/portsnare/portsnare/detect"
)

// ICMPv4 types the Decoder maps.
const (
	icmp4EchoReply      = 0
	icmp4Unreachable    = 3
	icmp4Echo           = 8
	icmp4TimeExceeded   = 11
	icmp4Timestamp      = 13
	icmp4TimestampReply = 14
	icmp4Mask           = 17
	icmp4MaskReply      = 18

	// icmp4FragNeeded is destination unreachable code 4, "fragmentation
	// needed": path MTU discovery on a live flow, not a sign that nothing
	// is there, so it is ignored.
	icmp4FragNeeded = 4

	// icmpInTransit is time exceeded code 0 (both versions): the TTL ran
	// out at a router. Code 1, fragment reassembly time exceeded, comes
	// from the target and is ignored.
	icmpInTransit = 0
)

// ICMPv6 types the Decoder maps.
const (
	icmp6Unreachable  = 1
	icmp6TimeExceeded = 3
	icmp6Echo         = 128
	icmp6EchoReply    = 129
)

// icmp4Request reports the ICMPv4 request types a ping sweep uses.
func icmp4Request(t uint8) bool {
	return t == icmp4Echo || t == icmp4Timestamp || t == icmp4Mask
}

// icmp4Answered returns the request type an ICMPv4 reply type answers.
func icmp4Answered(t uint8) (uint8, bool) {
	switch t {
	case icmp4EchoReply:
		return icmp4Echo, true
	case icmp4TimestampReply:
		return icmp4Timestamp, true
	case icmp4MaskReply:
		return icmp4Mask, true
	}
	return 0, false
}

// icmpv4 maps requests to probes, their replies to successes, destination
// unreachable to a failure of the probe it quotes and time exceeded in
// transit to the probe's expiry (Expired: it says nothing about the target,
// only that the prober is tracing the path to it).
func (d *Decoder) icmpv4() outcome {
	ic := &d.icmp4
	typ, code := ic.TypeCode.Type(), ic.TypeCode.Code()
	switch {
	case icmp4Request(typ):
		return d.icmpProbe(detect.ProtoICMP, typ, ic.Id)
	case typ == icmp4Unreachable && code != icmp4FragNeeded:
		return d.quotedIPv4(ic.Payload, detect.Failed)
	case typ == icmp4TimeExceeded && code == icmpInTransit:
		return d.quotedIPv4(ic.Payload, detect.Expired)
	}
	if req, ok := icmp4Answered(typ); ok {
		return d.icmpReply(detect.ProtoICMP, req, ic.Id)
	}
	return outIgnored
}

// icmpv6 maps echo requests to probes, echo replies to successes, destination
// unreachable to a failure of the probe it quotes, time exceeded in transit
// to its expiry, and neighbour
// solicitations and advertisements as ndp describes. MLD, router discovery
// and the other ICMPv6 messages are ignored.
func (d *Decoder) icmpv6() outcome {
	typ := d.icmp6.TypeCode.Type()
	// layers.ICMPv6 stops after type, code and checksum; the next 4 bytes
	// are identifier and sequence for echo, unused for errors (the parser
	// only got here with at least minICMPv6 bytes).
	p := d.icmp6.Payload
	switch typ {
	case icmp6Echo:
		return d.icmpProbe(detect.ProtoICMPv6, typ, binary.BigEndian.Uint16(p[0:2]))
	case icmp6EchoReply:
		return d.icmpReply(detect.ProtoICMPv6, icmp6Echo, binary.BigEndian.Uint16(p[0:2]))
	case icmp6Unreachable:
		return d.quotedIPv6(p[4:], detect.Failed)
	case icmp6TimeExceeded:
		if d.icmp6.TypeCode.Code() != icmpInTransit {
			return outIgnored
		}
		return d.quotedIPv6(p[4:], detect.Expired)
	case icmp6NeighborSolicit, icmp6NeighborAdvert:
		return d.ndp(typ, d.icmp6.TypeCode.Code(), p)
	}
	return outIgnored
}

// icmpProbe fills the probe for an ICMP request: its "port" is the request
// type, its source port the identifier (which, like a source port, tells
// one pinging process from another).
func (d *Decoder) icmpProbe(proto, typ uint8, id uint16) outcome {
	d.probe = detect.Probe{
		Time:      d.ts,
		Src:       d.net.src,
		Dst:       d.net.dst,
		Proto:     proto,
		Technique: detect.TechICMP,
		SrcPort:   id,
		DstPort:   uint16(typ),
		TTL:       d.net.ttl,
		IPID:      d.net.ipid,
		FP:        d.net.fp,
	}
	return outProbe
}

// icmpReply turns an ICMP reply around into the orientation of the request
// of type req it answers.
func (d *Decoder) icmpReply(proto, req uint8, id uint16) outcome {
	d.reply = detect.Reply{
		Time:       d.ts,
		Prober:     d.net.dst,
		Target:     d.net.src,
		Proto:      proto,
		ProberPort: id,
		TargetPort: uint16(req),
		Outcome:    detect.Succeeded,
		// An echo (timestamp, mask) reply answers its request and nothing else.
		AnswersProbe: true,
	}
	return outReply
}
