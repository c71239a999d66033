package sensor

import (
	"net"
	"testing"

	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// withHopLimit sets the hop limit of a serialized IPv6 packet (it is not
// part of the ICMPv6 checksum's pseudo-header).
func withHopLimit(ip []byte, h uint8) []byte {
	ip = append([]byte(nil), ip...)
	ip[7] = h
	return ip
}

// nsBody is a neighbour solicitation's body after the checksum: reserved
// word, target, source link-layer address option.
func nsBody(target string) []byte {
	b := append(make([]byte, 4), net.ParseIP(target).To16()...)
	return append(b, 1, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55)
}

// naBody is a neighbour advertisement's body: flags (R 0x80, S 0x40,
// O 0x20), target, target link-layer address option.
func naBody(flags uint8, target string) []byte {
	b := append([]byte{flags, 0, 0, 0}, net.ParseIP(target).To16()...)
	return append(b, 2, 1, 0, 0x66, 0x77, 0x88, 0x99, 0xaa)
}

func ndpCases(t testing.TB) []decodeCase {
	const (
		scannerLL = "fe80::10"
		solicited = "ff02::1:ff00:2" // solicited-node group of target6
	)
	ndp := func(hop uint8, src, dst string, typ, code uint8, body []byte) []byte {
		return eth6(withHopLimit(v6(t, src, dst, layers.IPProtocolICMPv6, icmp6(typ, code, body...)), hop))
	}
	ns := func(src, dst, tgt string) []byte { return ndp(255, src, dst, 135, 0, nsBody(tgt)) }
	na := func(src, dst string, flags uint8, tgt string) []byte {
		return ndp(255, src, dst, 136, 0, naBody(flags, tgt))
	}
	probe := func(src, tgt string) detect.Probe {
		return detect.Probe{Src: addr(src), Dst: addr(tgt), Proto: detect.ProtoICMPv6, Technique: detect.TechNDP,
			DstPort: detect.NDPType, TTL: 255}
	}
	reply := func(prober, tgt string) detect.Reply {
		return detect.Reply{Prober: addr(prober), Target: addr(tgt), Proto: detect.ProtoICMPv6,
			TargetPort: detect.NDPType, Outcome: detect.Succeeded}
	}
	return []decodeCase{
		{name: "ndp/solicitation", data: ns(scannerLL, solicited, target6), want: outProbe, probe: probe(scannerLL, target6)},
		{name: "ndp/solicitation-global-source", data: ns(scanner6, solicited, target6), want: outProbe, probe: probe(scanner6, target6)},
		{name: "ndp/solicitation-link-local-target", data: ns(scannerLL, "ff02::1:ff00:2", "fe80::2"), want: outProbe, probe: probe(scannerLL, "fe80::2")},
		{name: "ndp/solicitation-unicast", data: ns(scannerLL, target6, target6), want: outProbe, probe: probe(scannerLL, target6)},
		{name: "ndp/solicitation-dad", data: ns("::", solicited, target6), want: outIgnored},
		{name: "ndp/solicitation-own-address", data: ns(target6, solicited, target6), want: outIgnored},
		{name: "ndp/solicitation-off-link", data: ndp(64, scanner6, solicited, 135, 0, nsBody(target6)), want: outIgnored},
		{name: "ndp/solicitation-code", data: ndp(255, scanner6, solicited, 135, 1, nsBody(target6)), want: outIgnored},
		{name: "ndp/solicitation-multicast-target", data: ns(scanner6, solicited, "ff02::1"), want: outIgnored},
		{name: "ndp/solicitation-short", data: ndp(255, scanner6, solicited, 135, 0, make([]byte, 12)), want: outError},
		{name: "ndp/solicitation-cut", data: ns(scanner6, solicited, target6)[:14+40+4+12], want: outTruncated},
		{name: "ndp/advertisement-solicited", data: na(target6, scannerLL, 0x60, target6), want: outReply, reply: reply(scannerLL, target6)},
		{name: "ndp/advertisement-router", data: na("fe80::2", scanner6, 0xe0, target6), want: outReply, reply: reply(scanner6, target6)},
		{name: "ndp/advertisement-unsolicited", data: na(target6, "ff02::1", 0x20, target6), want: outIgnored},
		{name: "ndp/advertisement-unsolicited-unicast", data: na(target6, scannerLL, 0x20, target6), want: outIgnored},
		{name: "ndp/advertisement-solicited-to-multicast", data: na(target6, "ff02::1", 0x60, target6), want: outIgnored},
		{name: "ndp/advertisement-off-link", data: ndp(254, target6, scanner6, 136, 0, naBody(0x60, target6)), want: outIgnored},
		{name: "ndp/advertisement-short", data: ndp(255, target6, scanner6, 136, 0, []byte{0x60, 0, 0, 0}), want: outError},
	}
}
