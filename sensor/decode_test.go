package sensor

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

var (
	testTime = time.Date(2024, 5, 1, 12, 0, 0, 123456000, time.UTC)

	scanner  = "198.18.0.10"
	target   = "198.18.0.2"
	scanner6 = "2001:db8::10"
	target6  = "2001:db8::2"
)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

// decodeCase is one packet and what the Decoder must make of it: a Probe, a
// Reply, or the counter it lands in.
type decodeCase struct {
	name  string
	link  LinkType
	data  []byte
	want  outcome
	probe detect.Probe // when want is outProbe; Time is filled in
	reply detect.Reply // when want is outReply; Time is filled in
}

// probe4 is the Probe expected from v4(scanner, target) packets.
func probe4(proto uint8, tech detect.Technique, sport, dport uint16, fp detect.Fingerprint) detect.Probe {
	p := detect.Probe{Src: addr(scanner), Dst: addr(target), Proto: proto, Technique: tech,
		SrcPort: sport, DstPort: dport, TTL: 51, IPID: 0x1234, FP: fp}
	if proto == detect.ProtoTCP {
		p.Seq, p.Window, p.Flags = 0xdeadbeef, 1024, tcpSYN
	}
	return p
}

// tcpFlagByte is the flag byte tcp() sets for a flag string.
func tcpFlagByte(flags string) uint8 {
	var b uint8
	for _, f := range flags {
		b |= 1 << strings.IndexRune("FSRPAUEC", f)
	}
	return b
}

// reply4 is the Reply expected for a probe from scanner to target: one that
// can only answer a probe, unless unsure says otherwise.
func reply4(proto uint8, proberPort, targetPort uint16, o detect.Outcome) detect.Reply {
	return detect.Reply{Prober: addr(scanner), Target: addr(target), Proto: proto,
		ProberPort: proberPort, TargetPort: targetPort, Outcome: o, AnswersProbe: true}
}

// unsure marks a reply that may not answer a probe (a RST that can end a
// connection).
func unsure(r detect.Reply) detect.Reply {
	r.AnswersProbe = false
	return r
}

func tcpCases(t testing.TB) []decodeCase {
	syn := func(fl string, opts ...tcpOpt) []byte {
		return eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, fl, opts...)))
	}
	answer := func(fl string) []byte {
		return eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, fl)))
	}
	withData := func(fl string) []byte {
		return eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, fl), gopaPayload("GET / HTTP/1.0\r\n\r\n")))
	}
	P := func(flags string, tech detect.Technique, fp detect.Fingerprint) detect.Probe {
		p := probe4(detect.ProtoTCP, tech, 40000, 80, fp)
		p.Flags = tcpFlagByte(flags)
		return p
	}
	return []decodeCase{
		{name: "tcp/syn-no-options", data: syn("S"), want: outProbe, probe: P("S", detect.TechSYN, detect.FPNoTCPOptions)},
		{name: "tcp/syn-mss-only", data: syn("S", optMSS), want: outProbe, probe: P("S", detect.TechSYN, detect.FPMSSOnly)},
		{name: "tcp/syn-mss-padded", data: syn("S", optNOP, optMSS, optNOP, optNOP), want: outProbe, probe: P("S", detect.TechSYN, detect.FPMSSOnly)},
		{name: "tcp/syn-connect", data: syn("S", optMSS, optSACK, optTS, optNOP, optWS), want: outProbe, probe: P("S", detect.TechConnect, detect.FPFullOptions)},
		{name: "tcp/syn-ecn-connect", data: syn("SEC", optMSS, optNOP, optWS), want: outProbe, probe: P("SEC", detect.TechConnect, detect.FPFullOptions)},
		{name: "tcp/syn-payload", data: eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"), gopaPayload("x"))),
			want: outProbe, probe: P("S", detect.TechSYN, detect.FPNoTCPOptions|detect.FPPayload)},
		{name: "tcp/syn-ack", data: answer("SA"), want: outReply, reply: reply4(detect.ProtoTCP, 40000, 80, detect.Succeeded)},
		{name: "tcp/rst", data: answer("R"), want: outReply, reply: unsure(reply4(detect.ProtoTCP, 40000, 80, detect.Failed))},
		{name: "tcp/rst-ack", data: answer("RA"), want: outReply, reply: unsure(reply4(detect.ProtoTCP, 40000, 80, detect.Failed))},
		{name: "tcp/rst-ack-seq0", data: eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcpSeq(80, 40000, "RA", 0))),
			want: outReply, reply: reply4(detect.ProtoTCP, 40000, 80, detect.Failed)},
		{name: "tcp/syn-rst", data: syn("SR"), want: outIgnored},
		{name: "tcp/fin", data: syn("F"), want: outProbe, probe: P("F", detect.TechFIN, detect.FPNoTCPOptions)},
		{name: "tcp/null", data: syn(""), want: outProbe, probe: P("", detect.TechNULL, detect.FPNoTCPOptions)},
		{name: "tcp/xmas", data: syn("FPU"), want: outProbe, probe: P("FPU", detect.TechXmas, detect.FPNoTCPOptions)},
		{name: "tcp/ack", data: syn("A"), want: outProbe, probe: P("A", detect.TechACK, detect.FPNoTCPOptions)},
		{name: "tcp/ack-ece", data: syn("AE"), want: outProbe, probe: P("AE", detect.TechACK, detect.FPNoTCPOptions)},
		{name: "tcp/maimon", data: syn("FA"), want: outProbe, probe: P("FA", detect.TechMaimon, detect.FPNoTCPOptions)},
		{name: "tcp/odd-psh", data: syn("P"), want: outProbe, probe: P("P", detect.TechTCPOdd, detect.FPNoTCPOptions)},
		{name: "tcp/odd-fin-urg", data: syn("FU"), want: outProbe, probe: P("FU", detect.TechTCPOdd, detect.FPNoTCPOptions)},
		{name: "tcp/odd-psh-ack", data: syn("PA"), want: outProbe, probe: P("PA", detect.TechTCPOdd, detect.FPNoTCPOptions)},
		{name: "tcp/fin-payload", data: withData("F"), want: outProbe, probe: P("F", detect.TechFIN, detect.FPNoTCPOptions|detect.FPPayload)},
		{name: "tcp/data", data: withData("PA"), want: outIgnored},
		{name: "tcp/ack-data", data: withData("A"), want: outIgnored},
		{name: "tcp/fin-ack-data", data: withData("FA"), want: outIgnored},
		// nmap -O: T2 (no flags, DF), T3 (SYN+FIN+URG+PSH), T7 (FIN+PSH+URG)
		// and the ECN probe, with the options of osscan2.cc.
		{name: "tcp/nmap-os-t2", data: eth4(withDF(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "", nmapOSOptions...)))),
			want: outProbe, probe: P("", detect.TechNULL, detect.FPFullOptions|detect.FPNmapOS|detect.FPDontFragment)},
		{name: "tcp/nmap-os-t3", data: syn("SFUP", nmapOSOptions...),
			want: outProbe, probe: P("SFUP", detect.TechConnect, detect.FPFullOptions|detect.FPNmapOS)},
		{name: "tcp/nmap-os-t7", data: syn("FPU", nmapOSOptions...),
			want: outProbe, probe: P("FPU", detect.TechXmas, detect.FPFullOptions|detect.FPNmapOS)},
		{name: "tcp/nmap-os-ecn", data: syn("SEC", optWS, optNOP, optMSS, optSACK, optNOP, optNOP),
			want: outProbe, probe: P("SEC", detect.TechConnect, detect.FPFullOptions)},
		{name: "tcp/ts-max-with-echo", data: syn("S", optMSS, optTSEcho),
			want: outProbe, probe: P("S", detect.TechConnect, detect.FPFullOptions)},
		{name: "tcp/windows-syn", data: eth4(withDF(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", windowsOptionList...)))),
			want: outProbe, probe: P("S", detect.TechConnect, detect.FPFullOptions|detect.FPWindowsOptions|detect.FPDontFragment)},
		{name: "tcp/windows-layout-reordered", data: syn("S", optMSS, optNOP, optWS, optSACK, optNOP, optNOP),
			want: outProbe, probe: P("S", detect.TechConnect, detect.FPFullOptions)},
		{name: "tcp/windows-layout-with-timestamps", data: syn("S", append(windowsOptionList, optNOP, optNOP, optTS)...),
			want: outProbe, probe: P("S", detect.TechConnect, detect.FPFullOptions)},
		{name: "tcp/df-syn", data: eth4(withDF(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS)))),
			want: outProbe, probe: P("S", detect.TechSYN, detect.FPMSSOnly|detect.FPDontFragment)},
		{name: "tcp/syn-to-multicast", data: eth4(v4(t, scanner, "224.0.0.1", layers.IPProtocolTCP, tcp(40000, 80, "S"))), want: outIgnored},
		{name: "tcp/syn-to-broadcast", data: eth4(v4(t, scanner, "255.255.255.255", layers.IPProtocolTCP, tcp(40000, 80, "S"))), want: outIgnored},
	}
}

func udpCases(t testing.TB) []decodeCase {
	return []decodeCase{
		{name: "udp/empty", data: eth4(v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 161))),
			want: outProbe, probe: probe4(detect.ProtoUDP, detect.TechUDP, 40000, 161, 0)},
		{name: "udp/payload", data: eth4(v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 53), gopaPayload("query"))),
			want: outProbe, probe: probe4(detect.ProtoUDP, detect.TechUDP, 40000, 53, detect.FPPayload)},
		{name: "udp/answer", data: eth4(v4(t, target, scanner, layers.IPProtocolUDP, udp(53, 40000), gopaPayload("answer"))),
			want: outProbe, probe: detect.Probe{Src: addr(target), Dst: addr(scanner), Proto: detect.ProtoUDP, Technique: detect.TechUDP,
				SrcPort: 53, DstPort: 40000, TTL: 51, IPID: 0x1234, FP: detect.FPPayload}},
		{name: "udp/broadcast-kept", data: eth4(v4(t, "0.0.0.0", "255.255.255.255", layers.IPProtocolUDP, udp(68, 67), gopaPayload("dhcp"))),
			want: outProbe, probe: detect.Probe{Src: addr("0.0.0.0"), Dst: addr("255.255.255.255"), Proto: detect.ProtoUDP, Technique: detect.TechUDP,
				SrcPort: 68, DstPort: 67, TTL: 51, IPID: 0x1234, FP: detect.FPPayload}},
	}
}

// quoteOf is what an ICMP error quotes of a packet: its IP header and the
// first 8 bytes after it.
func quoteOf(ip []byte, ihl int) gopaPayload { return gopaPayload(ip[:ihl+8]) }

func icmpv4Cases(t testing.TB) []decodeCase {
	req := func(typ uint8) []byte {
		return eth4(v4(t, scanner, target, layers.IPProtocolICMPv4, icmp4(typ, 0, 0x4242), gopaPayload("ping data")))
	}
	rep := func(typ uint8) []byte {
		return eth4(v4(t, target, scanner, layers.IPProtocolICMPv4, icmp4(typ, 0, 0x4242), gopaPayload("ping data")))
	}
	// unreach is an ICMP error from a router quoting the given probe.
	unreach := func(typ, code uint8, quote []byte) []byte {
		return eth4(v4(t, "198.18.0.1", scanner, layers.IPProtocolICMPv4, icmp4(typ, code, 0), gopaPayload(quote)))
	}
	udpProbe := v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 161), gopaPayload("public"))
	tcpProbe := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 443, "S"))
	echoProbe := v4(t, scanner, target, layers.IPProtocolICMPv4, icmp4(8, 0, 0x4242))
	echoReply := v4(t, scanner, target, layers.IPProtocolICMPv4, icmp4(0, 0, 0x4242))
	greProbe := v4(t, scanner, target, layers.IPProtocolGRE)
	sctpProbe := v4(t, scanner, target, layers.IPProtocolSCTP, sctp(5000, 38412, sctpChunk(layers.SCTPChunkTypeInit))...)
	badVersion := append([]byte(nil), udpProbe...)
	badVersion[0] = 0x65

	P := func(typ uint8) detect.Probe {
		return probe4(detect.ProtoICMP, detect.TechICMP, 0x4242, uint16(typ), 0)
	}
	R := func(req uint8) detect.Reply { return reply4(detect.ProtoICMP, 0x4242, uint16(req), detect.Succeeded) }
	F := func(proto uint8, pp, tp uint16) detect.Reply { return reply4(proto, pp, tp, detect.Failed) }
	return []decodeCase{
		{name: "icmp/echo", data: req(8), want: outProbe, probe: P(8)},
		{name: "icmp/timestamp", data: req(13), want: outProbe, probe: P(13)},
		{name: "icmp/address-mask", data: req(17), want: outProbe, probe: P(17)},
		{name: "icmp/echo-reply", data: rep(0), want: outReply, reply: R(8)},
		{name: "icmp/timestamp-reply", data: rep(14), want: outReply, reply: R(13)},
		{name: "icmp/mask-reply", data: rep(18), want: outReply, reply: R(17)},
		{name: "icmp/echo-to-broadcast-kept", data: eth4(v4(t, scanner, "255.255.255.255", layers.IPProtocolICMPv4, icmp4(8, 0, 1))),
			want: outProbe, probe: detect.Probe{Src: addr(scanner), Dst: addr("255.255.255.255"), Proto: detect.ProtoICMP,
				Technique: detect.TechICMP, SrcPort: 1, DstPort: 8, TTL: 51, IPID: 0x1234}},
		{name: "icmp/port-unreachable-udp", data: unreach(3, 3, quoteOf(udpProbe, 20)), want: outReply, reply: F(detect.ProtoUDP, 40000, 161)},
		{name: "icmp/host-unreachable-tcp", data: unreach(3, 1, quoteOf(tcpProbe, 20)), want: outReply, reply: F(detect.ProtoTCP, 40000, 443)},
		{name: "icmp/admin-prohibited-tcp", data: unreach(3, 13, quoteOf(tcpProbe, 20)), want: outReply, reply: F(detect.ProtoTCP, 40000, 443)},
		{name: "icmp/unreachable-sctp", data: unreach(3, 3, quoteOf(sctpProbe, 20)), want: outReply, reply: F(detect.ProtoSCTP, 5000, 38412)},
		{name: "icmp/unreachable-echo", data: unreach(3, 1, quoteOf(echoProbe, 20)), want: outReply, reply: F(detect.ProtoICMP, 0x4242, 8)},
		{name: "icmp/unreachable-echo-reply", data: unreach(3, 1, quoteOf(echoReply, 20)), want: outIgnored},
		{name: "icmp/protocol-unreachable", data: unreach(3, 2, greProbe[:20]), want: outReply, reply: F(47, 0, 0)},
		{name: "icmp/whole-quote", data: unreach(3, 3, udpProbe), want: outReply, reply: F(detect.ProtoUDP, 40000, 161)},
		{name: "icmp/frag-needed", data: unreach(3, 4, quoteOf(tcpProbe, 20)), want: outIgnored},
		{name: "icmp/time-exceeded", data: unreach(11, 0, quoteOf(udpProbe, 20)), want: outReply,
			reply: reply4(detect.ProtoUDP, 40000, 161, detect.Expired)},
		{name: "icmp/reassembly-time-exceeded", data: unreach(11, 1, quoteOf(udpProbe, 20)), want: outIgnored},
		{name: "icmp/redirect", data: unreach(5, 1, quoteOf(udpProbe, 20)), want: outIgnored},
		{name: "icmp/quote-cut-in-ports", data: unreach(3, 3, udpProbe[:24]), want: outError},
		{name: "icmp/quote-cut-in-ip", data: unreach(3, 3, udpProbe[:12]), want: outError},
		{name: "icmp/quote-empty", data: unreach(3, 3, nil), want: outError},
		{name: "icmp/quote-bad-version", data: unreach(3, 3, quoteOf(badVersion, 20)), want: outError},
		{name: "icmp/quote-cut-by-snaplen", data: unreach(3, 3, quoteOf(udpProbe, 20))[:14+20+8+20+2], want: outTruncated},
	}
}

func icmpv6Cases(t testing.TB) []decodeCase {
	tcpProbe := v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 22, "S"))
	udpProbe := v6(t, scanner6, target6, layers.IPProtocolIPv6Destination, ext6(layers.IPProtocolUDP), udp(40000, 500))
	echoProbe := v6(t, scanner6, target6, layers.IPProtocolICMPv6, icmp6(128, 0, 0x42, 0x42, 0, 1))
	unreach := func(quote []byte) []byte {
		body := append([]byte{0, 0, 0, 0}, quote...)
		return eth6(v6(t, "2001:db8::1", scanner6, layers.IPProtocolICMPv6, icmp6(1, 4, body...)))
	}
	F := func(proto uint8, pp, tp uint16) detect.Reply {
		return detect.Reply{Prober: addr(scanner6), Target: addr(target6), Proto: proto, ProberPort: pp, TargetPort: tp, Outcome: detect.Failed, AnswersProbe: true}
	}
	return []decodeCase{
		{name: "icmp6/echo", data: eth6(echoProbe), want: outProbe, probe: detect.Probe{Src: addr(scanner6), Dst: addr(target6),
			Proto: detect.ProtoICMPv6, Technique: detect.TechICMP, SrcPort: 0x4242, DstPort: 128, TTL: 57}},
		{name: "icmp6/echo-reply", data: eth6(v6(t, target6, scanner6, layers.IPProtocolICMPv6, icmp6(129, 0, 0x42, 0x42, 0, 1))),
			want: outReply, reply: detect.Reply{Prober: addr(scanner6), Target: addr(target6), Proto: detect.ProtoICMPv6,
				ProberPort: 0x4242, TargetPort: 128, Outcome: detect.Succeeded, AnswersProbe: true}},
		{name: "icmp6/unreachable-tcp", data: unreach(tcpProbe), want: outReply, reply: F(detect.ProtoTCP, 40000, 22)},
		{name: "icmp6/unreachable-udp-ext", data: unreach(udpProbe), want: outReply, reply: F(detect.ProtoUDP, 40000, 500)},
		{name: "icmp6/unreachable-echo", data: unreach(echoProbe), want: outReply, reply: F(detect.ProtoICMPv6, 0x4242, 128)},
		{name: "icmp6/quote-cut", data: unreach(tcpProbe[:44]), want: outError},
		{name: "icmp6/quote-ext-cut", data: unreach(udpProbe[:44]), want: outError},
		{name: "icmp6/mld-with-hop-by-hop", data: eth6(v6(t, "fe80::1", "ff02::16", layers.IPProtocolIPv6HopByHop,
			gopaPayload{58, 0, 5, 2, 0, 0, 1, 0}, icmp6(143, 0, make([]byte, 24)...))), want: outIgnored},
		{name: "icmp6/time-exceeded", data: eth6(v6(t, "2001:db8::1", scanner6, layers.IPProtocolICMPv6,
			icmp6(3, 0, append([]byte{0, 0, 0, 0}, tcpProbe...)...))), want: outReply,
			reply: detect.Reply{Prober: addr(scanner6), Target: addr(target6), Proto: detect.ProtoTCP, ProberPort: 40000,
				TargetPort: 22, Outcome: detect.Expired, AnswersProbe: true}},
		{name: "icmp6/reassembly-time-exceeded", data: eth6(v6(t, "2001:db8::1", scanner6, layers.IPProtocolICMPv6,
			icmp6(3, 1, append([]byte{0, 0, 0, 0}, tcpProbe...)...))), want: outIgnored},
	}
}

func sctpCases(t testing.TB) []decodeCase {
	pk := func(src, dst string, sport, dport uint16, chunks ...layers.SCTPChunkType) []byte {
		var ls []gopaLayer
		for _, c := range chunks {
			ls = append(ls, sctpChunk(c))
		}
		return eth4(v4(t, src, dst, layers.IPProtocolSCTP, sctp(sport, dport, ls...)...))
	}
	return []decodeCase{
		{name: "sctp/init", data: pk(scanner, target, 5000, 2905, layers.SCTPChunkTypeInit),
			want: outProbe, probe: probe4(detect.ProtoSCTP, detect.TechSCTPInit, 5000, 2905, 0)},
		{name: "sctp/init-ack", data: pk(target, scanner, 2905, 5000, layers.SCTPChunkTypeInitAck),
			want: outReply, reply: reply4(detect.ProtoSCTP, 5000, 2905, detect.Succeeded)},
		{name: "sctp/abort", data: pk(target, scanner, 2905, 5000, layers.SCTPChunkTypeAbort),
			want: outReply, reply: unsure(reply4(detect.ProtoSCTP, 5000, 2905, detect.Failed))},
		{name: "sctp/abort-bundled", data: pk(target, scanner, 2905, 5000, layers.SCTPChunkTypeShutdownAck, layers.SCTPChunkTypeAbort),
			want: outReply, reply: unsure(reply4(detect.ProtoSCTP, 5000, 2905, detect.Failed))},
		{name: "sctp/shutdown-complete", data: pk(scanner, target, 5000, 2905, layers.SCTPChunkTypeShutdownComplete), want: outIgnored},
		{name: "sctp/no-chunk", data: pk(scanner, target, 5000, 2905), want: outError},
	}
}

func otherProtocolCases(t testing.TB) []decodeCase {
	return []decodeCase{
		{name: "ipproto/gre", data: eth4(v4(t, scanner, target, layers.IPProtocolGRE)),
			want: outProbe, probe: probe4(47, detect.TechIPProto, 0, 0, 0)},
		{name: "ipproto/zero", data: eth4(v4(t, scanner, target, 0)),
			want: outProbe, probe: probe4(0, detect.TechIPProto, 0, 0, 0)},
		{name: "ipproto/icmpv6-over-ipv4", data: eth4(v4(t, scanner, target, layers.IPProtocolICMPv6)),
			want: outProbe, probe: probe4(58, detect.TechIPProto, 0, 0, 0)},
		{name: "ipproto/ipv6-no-next-header", data: eth6(v6(t, scanner6, target6, layers.IPProtocolNoNextHeader)),
			want: outProbe, probe: detect.Probe{Src: addr(scanner6), Dst: addr(target6), Proto: 59, Technique: detect.TechIPProto, TTL: 57}},
		{name: "ipproto/igmp-to-group", data: eth4(v4(t, scanner, "224.0.0.1", layers.IPProtocolIGMP, gopaPayload{0x11, 0, 0, 0, 0, 0, 0, 0})), want: outIgnored},
		{name: "ipproto/ospf-to-group", data: eth4(v4(t, scanner, "224.0.0.5", 89, gopaPayload("hello"))), want: outIgnored},
		{name: "ipproto/vrrp-to-group", data: eth4(v4(t, scanner, "224.0.0.18", 112, gopaPayload("advert"))), want: outIgnored},
	}
}

// linkCases wraps one SYN probe in every supported link layer.
func linkCases(t testing.TB) []decodeCase {
	ip := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	ip6 := v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	p := probe4(detect.ProtoTCP, detect.TechSYN, 40000, 80, detect.FPMSSOnly)
	p6 := detect.Probe{Src: addr(scanner6), Dst: addr(target6), Proto: detect.ProtoTCP, Technique: detect.TechSYN,
		SrcPort: 40000, DstPort: 80, Seq: 0xdeadbeef, Window: 1024, Flags: tcpSYN, TTL: 57, FP: detect.FPMSSOnly}
	arp := ether(0x0806, make([]byte, 28))
	return []decodeCase{
		{name: "link/ethernet", link: LinkTypeEthernet, data: eth4(ip), want: outProbe, probe: p},
		{name: "link/ethernet-ipv6", link: LinkTypeEthernet, data: eth6(ip6), want: outProbe, probe: p6},
		{name: "link/vlan", link: LinkTypeEthernet, data: ether(etherTypeDot1Q, vlan(100, etherTypeIPv4, ip)), want: outProbe, probe: p},
		{name: "link/qinq", link: LinkTypeEthernet, data: ether(etherTypeQinQ, vlan(10, etherTypeDot1Q, vlan(100, etherTypeIPv6, ip6))), want: outProbe, probe: p6},
		{name: "link/qinq-9100", link: LinkTypeEthernet, data: ether(etherTypeQinQ9, vlan(10, etherTypeDot1Q, vlan(100, etherTypeIPv4, ip))), want: outProbe, probe: p},
		{name: "link/sll", link: LinkTypeLinuxSLL, data: sll(0, 1, etherTypeIPv4, ip), want: outProbe, probe: p},
		{name: "link/sll-vlan", link: LinkTypeLinuxSLL, data: sll(0, 1, etherTypeDot1Q, vlan(7, etherTypeIPv4, ip)), want: outProbe, probe: p},
		{name: "link/sll-loopback-outgoing", link: LinkTypeLinuxSLL, data: sll(sllOutgoing, arphrdLoopback, etherTypeIPv4, ip), want: outIgnored},
		{name: "link/sll-loopback-incoming", link: LinkTypeLinuxSLL, data: sll(0, arphrdLoopback, etherTypeIPv4, ip), want: outProbe, probe: p},
		{name: "link/sll-short", link: LinkTypeLinuxSLL, data: sll(0, 1, etherTypeIPv4, nil)[:15], want: outError},
		{name: "link/sll2", link: LinkTypeLinuxSLL2, data: sll2(0, 1, etherTypeIPv4, ip), want: outProbe, probe: p},
		{name: "link/sll2-ipv6", link: LinkTypeLinuxSLL2, data: sll2(0, 1, etherTypeIPv6, ip6), want: outProbe, probe: p6},
		{name: "link/sll2-loopback-outgoing", link: LinkTypeLinuxSLL2, data: sll2(sllOutgoing, arphrdLoopback, etherTypeIPv4, ip), want: outIgnored},
		{name: "link/sll2-arp", link: LinkTypeLinuxSLL2, data: sll2(0, 1, 0x0806, make([]byte, 28)), want: outUnsupported},
		{name: "link/raw-v4", link: LinkTypeRaw, data: ip, want: outProbe, probe: p},
		{name: "link/raw-v6", link: LinkTypeRaw, data: ip6, want: outProbe, probe: p6},
		{name: "link/raw-dlt12", link: 12, data: ip, want: outProbe, probe: p},
		{name: "link/raw-dlt14", link: 14, data: ip6, want: outProbe, probe: p6},
		{name: "link/raw-bad-version", link: LinkTypeRaw, data: append([]byte{0x55}, ip[1:]...), want: outError},
		{name: "link/ipv4", link: LinkTypeIPv4, data: ip, want: outProbe, probe: p},
		{name: "link/ipv6", link: LinkTypeIPv6, data: ip6, want: outProbe, probe: p6},
		{name: "link/null-le", link: LinkTypeNull, data: null(binary.LittleEndian, afInet, ip), want: outProbe, probe: p},
		{name: "link/null-be-v6-darwin", link: LinkTypeNull, data: null(binary.BigEndian, afInet6Darwin, ip6), want: outProbe, probe: p6},
		{name: "link/loop-v6-openbsd", link: LinkTypeLoop, data: null(binary.BigEndian, afInet6NetBSD, ip6), want: outProbe, probe: p6},
		{name: "link/null-unknown-family", link: LinkTypeNull, data: null(binary.LittleEndian, 7, ip), want: outUnsupported},
		{name: "link/arp", link: LinkTypeEthernet, data: arp, want: outUnsupported},
		{name: "link/802.11", link: 105, data: eth4(ip), want: outUnsupported},
		{name: "link/ethernet-short", link: LinkTypeEthernet, data: eth4(ip)[:10], want: outError},
	}
}

// ipCases cover IP-level details: versions, header lengths, fragments,
// extension headers and packets the capture cut short.
func ipCases(t testing.TB) []decodeCase {
	ip := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"))
	badIHL := append([]byte(nil), ip...)
	badIHL[0] = 0x44
	badVersion := append([]byte(nil), ip...)
	badVersion[0] = 0x65

	// Fragments get ids of their own, so that TestDecodeSequence does not
	// reassemble one case with another.
	udpFrag := func(id, flagsFrag uint16, payload string) []byte {
		p := v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 161), gopaPayload(payload))
		binary.BigEndian.PutUint16(p[4:6], id)
		binary.BigEndian.PutUint16(p[6:8], flagsFrag)
		return eth4(p)
	}
	const short = "0123456789abcdef"
	long := strings.Repeat(short, 10) // more than reassembly keeps
	tinyTCPFrag := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"))[:28]
	binary.BigEndian.PutUint16(tinyTCPFrag[2:4], 28)
	binary.BigEndian.PutUint16(tinyTCPFrag[4:6], 0x7704)
	binary.BigEndian.PutUint16(tinyTCPFrag[6:8], 0x2000) // more fragments

	p6 := func(tech detect.Technique, proto uint8, sport, dport uint16, fp detect.Fingerprint) detect.Probe {
		p := detect.Probe{Src: addr(scanner6), Dst: addr(target6), Proto: proto, Technique: tech,
			SrcPort: sport, DstPort: dport, TTL: 57, FP: fp}
		if proto == detect.ProtoTCP {
			p.Seq, p.Window, p.Flags = 0xdeadbeef, 1024, tcpSYN
		}
		return p
	}
	cut6 := v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "S"))[:50]

	return []decodeCase{
		{name: "ip/v4-bad-ihl", data: eth4(badIHL), want: outError},
		{name: "ip/v4-bad-version", data: eth4(badVersion), want: outError},
		{name: "ip/v4-cut-in-header", data: eth4(ip)[:14+12], want: outTruncated},
		{name: "ip/v4-cut-in-tcp", data: eth4(ip)[:14+20+10], want: outTruncated},
		{name: "ip/v4-first-fragment", data: udpFrag(0x7701, 0x2000, short), want: outIgnored},
		{name: "ip/v4-first-fragment-holding-the-start", data: udpFrag(0x1234, 0x2000, long), want: outProbe,
			probe: probe4(detect.ProtoUDP, detect.TechUDP, 40000, 161, detect.FPPayload|detect.FPFragmented)},
		{name: "ip/v4-later-fragment", data: udpFrag(0x7702, 0x2003, short), want: outIgnored},
		{name: "ip/v4-last-fragment", data: udpFrag(0x7703, 0x0010, short), want: outIgnored},
		{name: "ip/v4-fragment-not-multiple-of-8", data: udpFrag(0x7705, 0x2000, "odd"), want: outError},
		{name: "ip/v4-tiny-first-fragment", data: eth4(tinyTCPFrag), want: outIgnored},
		{name: "ip/v4-claims-no-transport", data: eth4(v4(t, scanner, target, layers.IPProtocolTCP)), want: outError},
		{name: "ip/v6-ext-headers", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6HopByHop,
			ext6(layers.IPProtocolIPv6Routing), ext6(layers.IPProtocolIPv6Destination), ext6(layers.IPProtocolTCP), tcp(40000, 80, "S"))),
			want: outProbe, probe: p6(detect.TechSYN, detect.ProtoTCP, 40000, 80, detect.FPNoTCPOptions)},
		{name: "ip/v6-auth-header", data: eth6(v6(t, scanner6, target6, 51,
			gopaPayload{byte(layers.IPProtocolUDP), 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, udp(40000, 500))),
			want: outProbe, probe: p6(detect.TechUDP, detect.ProtoUDP, 40000, 500, 0)},
		{name: "ip/v6-first-fragment", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Fragment,
			frag6ID(layers.IPProtocolUDP, 0, true, 43), udp(40000, 500), gopaPayload(short))), want: outIgnored},
		{name: "ip/v6-first-fragment-holding-the-start", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Fragment,
			frag6(layers.IPProtocolUDP, 0, true), udp(40000, 500), gopaPayload(long))),
			want: outProbe, probe: p6(detect.TechUDP, detect.ProtoUDP, 40000, 500, detect.FPPayload|detect.FPFragmented)},
		{name: "ip/v6-atomic-fragment", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Fragment,
			frag6(layers.IPProtocolTCP, 0, false), tcp(40000, 80, "S"))),
			want: outProbe, probe: p6(detect.TechSYN, detect.ProtoTCP, 40000, 80, detect.FPNoTCPOptions)},
		{name: "ip/v6-later-fragment", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Fragment,
			frag6ID(layers.IPProtocolUDP, 185, false, 44), gopaPayload(short))), want: outIgnored},
		{name: "ip/v6-ext-runs-past-packet", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Destination,
			gopaPayload{byte(layers.IPProtocolTCP), 9, 0, 0})), want: outError},
		{name: "ip/v6-ext-chain-too-long", data: eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Destination,
			ext6(60), ext6(60), ext6(60), ext6(60), ext6(60), ext6(60), ext6(60), ext6(60), ext6(layers.IPProtocolTCP), tcp(1, 2, "S"))), want: outError},
		{name: "ip/v6-bad-version", data: eth6(append([]byte{0x45}, v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(1, 2, "S"))[1:]...)), want: outError},
		{name: "ip/v6-cut-in-header", data: eth6(cut6[:30])[:14+30], want: outTruncated},
		{name: "ip/v6-cut-in-tcp", data: eth6(cut6)[:14+50], want: outTruncated},
	}
}

// allCases are every decode case; link is Ethernet unless a case says.
func allCases(t testing.TB) []decodeCase {
	var cs []decodeCase
	for _, f := range []func(testing.TB) []decodeCase{tcpCases, udpCases, icmpv4Cases, icmpv6Cases, ndpCases, sctpCases, otherProtocolCases, linkCases, ipCases} {
		cs = append(cs, f(t)...)
	}
	for i := range cs {
		if cs[i].link == 0 && cs[i].name[:5] != "link/" {
			cs[i].link = LinkTypeEthernet
		}
	}
	return cs
}

func TestDecode(t *testing.T) {
	for _, c := range allCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var rec recorder
			d := NewDecoder(&rec)
			d.Decode(c.link, testTime, c.data)
			st := d.Stats()
			if got := outcomeOf(st); got != c.want {
				t.Fatalf("outcome %s, want %s (stats %+v)", got, c.want, st)
			}
			checkInvariant(t, st)
			switch c.want {
			case outProbe:
				c.probe.Time = testTime
				if len(rec.probes) != 1 || rec.probes[0] != c.probe {
					t.Fatalf("probes %+v\nwant   %+v", rec.probes, c.probe)
				}
			case outReply:
				c.reply.Time = testTime
				if len(rec.replies) != 1 || rec.replies[0] != c.reply {
					t.Fatalf("replies %+v\nwant    %+v", rec.replies, c.reply)
				}
			default:
				if len(rec.probes)+len(rec.replies) != 0 {
					t.Fatalf("handler called: probes %+v replies %+v", rec.probes, rec.replies)
				}
			}
		})
	}
}

// TestDecodeSequence decodes every case through one Decoder, as a capture
// would: state left by one packet must not leak into the next.
func TestDecodeSequence(t *testing.T) {
	cases := allCases(t)
	var rec recorder
	d := NewDecoder(&rec)
	var want DecodeStats
	for _, c := range cases {
		d.Decode(c.link, testTime, c.data)
		want.Packets++
		switch c.want {
		case outProbe:
			want.Probes++
		case outReply:
			want.Replies++
		case outIgnored:
			want.Ignored++
		case outUnsupported:
			want.Unsupported++
		case outError:
			want.DecodeErrors++
		case outTruncated:
			want.Truncated++
		}
	}
	want.Decoded = want.Probes + want.Replies + want.Ignored
	got := d.Stats()
	// Fragment counters are the reassembly tests' business.
	got.Fragments, got.Reassembled, got.ReassemblyTimeouts, got.ReassemblyEvictions = 0, 0, 0, 0
	if got != want {
		t.Fatalf("stats %+v\nwant  %+v", got, want)
	}
	i, j := 0, 0
	for _, c := range cases {
		switch c.want {
		case outProbe:
			c.probe.Time = testTime
			if rec.probes[i] != c.probe {
				t.Errorf("%s: probe %+v, want %+v", c.name, rec.probes[i], c.probe)
			}
			i++
		case outReply:
			c.reply.Time = testTime
			if rec.replies[j] != c.reply {
				t.Errorf("%s: reply %+v, want %+v", c.name, rec.replies[j], c.reply)
			}
			j++
		}
	}
}

// outcomeOf tells which counter a single packet landed in.
func outcomeOf(s DecodeStats) outcome {
	switch {
	case s.Probes == 1:
		return outProbe
	case s.Replies == 1:
		return outReply
	case s.Ignored == 1:
		return outIgnored
	case s.Unsupported == 1:
		return outUnsupported
	case s.DecodeErrors == 1:
		return outError
	case s.Truncated == 1:
		return outTruncated
	}
	return 255
}

func (o outcome) String() string {
	switch o {
	case outIgnored:
		return "ignored"
	case outProbe:
		return "probe"
	case outReply:
		return "reply"
	case outUnsupported:
		return "unsupported"
	case outError:
		return "decode error"
	case outTruncated:
		return "truncated"
	}
	return "none"
}

// checkInvariant checks that every packet was counted exactly once.
func checkInvariant(t testing.TB, s DecodeStats) {
	t.Helper()
	if sum := s.Probes + s.Replies + s.Ignored + s.Unsupported + s.DecodeErrors + s.Truncated; sum != s.Packets {
		t.Fatalf("counters add up to %d, not %d packets: %+v", sum, s.Packets, s)
	}
	if s.Decoded != s.Probes+s.Replies+s.Ignored {
		t.Fatalf("decoded %d != probes+replies+ignored: %+v", s.Decoded, s)
	}
}

// tcpSeq is tcp with sequence number seq.
func tcpSeq(sport, dport uint16, flags string, seq uint32) *layers.TCP {
	t := tcp(sport, dport, flags)
	t.Seq = seq
	return t
}
