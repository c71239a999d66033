// Package communityid computes Community ID flow hashes (version 1, the
// Corelight specification that Zeek, Suricata and Security Onion log as
// community_id), so that an alert naming a flow can be joined with those
// tools' flow records.
//
// A Community ID is "1:" and the base64 of a SHA-1 over a seed, both
// endpoints' addresses, the IP protocol and, for port-carrying protocols,
// both ports — the endpoints ordered so that either direction of a flow
// gives the same ID. ICMP and ICMPv6 carry their type and code in the port
// fields, a request and its reply mapped to one flow.
package communityid

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"net/netip"
)

// IP protocol numbers with ports (or ICMP's stand-ins for them).
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
	protoSCTP   = 132
)

// Flow is one flow as its first packet names it: From sent to To. For ICMP
// and ICMPv6, FromPort is the message type and ToPort its code.
type Flow struct {
	From, To         netip.Addr
	Proto            uint8
	FromPort, ToPort uint16
}

// ID returns the flow's Community ID with seed 0 (the default every tool
// uses unless configured otherwise), or "" when the addresses are invalid
// or of different families.
func ID(f Flow) string { return IDSeed(f, 0) }

// IDSeed returns the flow's Community ID with the given seed.
func IDSeed(f Flow, seed uint16) string {
	a, b := f.From.Unmap(), f.To.Unmap()
	if !a.IsValid() || !b.IsValid() || a.Is4() != b.Is4() {
		return ""
	}
	sp, dp := f.FromPort, f.ToPort
	ports := true
	oneWay := false
	switch f.Proto {
	case protoTCP, protoUDP, protoSCTP:
	case protoICMP:
		sp, dp, oneWay = icmpPorts(icmp4Pairs, f.FromPort, f.ToPort)
	case protoICMPv6:
		sp, dp, oneWay = icmpPorts(icmp6Pairs, f.FromPort, f.ToPort)
	default:
		ports = false
	}
	// Order the endpoints: the lower address (then port) first, so that
	// both directions of the flow hash alike. A one-way ICMP message (an
	// error, say) keeps its direction: it has no reverse.
	if !oneWay && (b.Less(a) || a == b && dp < sp) {
		a, b, sp, dp = b, a, dp, sp
	}
	var buf [2 + 16 + 16 + 2 + 4]byte
	n := 0
	binary.BigEndian.PutUint16(buf[n:], seed)
	n += 2
	n += copy(buf[n:], a.AsSlice())
	n += copy(buf[n:], b.AsSlice())
	buf[n] = f.Proto
	n += 2 // and one byte of padding
	if ports {
		binary.BigEndian.PutUint16(buf[n:], sp)
		binary.BigEndian.PutUint16(buf[n+2:], dp)
		n += 4
	}
	sum := sha1.Sum(buf[:n])
	return "1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// ICMP messages that come in request/reply pairs: each maps to the other.
var (
	icmp4Pairs = map[uint16]uint16{8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
	icmp6Pairs = map[uint16]uint16{128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135,
		139: 140, 140: 139, 144: 145, 145: 144}
)

// icmpPorts gives the port fields of an ICMP message of type t and code c:
// a message of a request/reply pair is (type, its counterpart), so that
// request and reply are one flow; any other is (type, code), one-way.
func icmpPorts(pairs map[uint16]uint16, t, c uint16) (sp, dp uint16, oneWay bool) {
	if other, ok := pairs[t]; ok {
		return t, other, false
	}
	return t, c, true
}
