package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// The tests in this file drive the evidence model class by class: what real
// stacks, gateways, peer-to-peer clients and scanners send.

// windowsSYN sends a Windows connect() SYN (TTL 128, DF, Windows options).
func (b *bed) windowsSYN(src, dst netip.Addr, sport, dport uint16, seq uint32) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoTCP, Technique: TechConnect,
		SrcPort: sport, DstPort: dport, Seq: seq, Window: 64240, TTL: 128, Flags: tcpSYN,
		FP: FPFullOptions | FPWindowsOptions | FPDontFragment})
}

func (b *bed) arp(src, dst netip.Addr) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoARP, Technique: TechARP, DstPort: ARPPort})
}

func (b *bed) arpReply(asker, owner netip.Addr) {
	b.e.Reply(&Reply{Time: b.now, Prober: asker, Target: owner, Proto: ProtoARP, TargetPort: ARPPort, Outcome: Succeeded})
}

func (b *bed) ndp(src, dst netip.Addr) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoICMPv6, Technique: TechNDP, DstPort: NDPType})
}

func (b *bed) ndpReply(asker, owner netip.Addr) {
	b.e.Reply(&Reply{Time: b.now, Prober: asker, Target: owner, Proto: ProtoICMPv6, TargetPort: NDPType, Outcome: Succeeded})
}

func (b *bed) tcpFlags(src, dst netip.Addr, sport, dport uint16, tech Technique, flags uint8, fp Fingerprint) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoTCP, Technique: tech,
		SrcPort: sport, DstPort: dport, Seq: 77, Window: 1024, TTL: 50, Flags: flags, FP: fp})
}

// Class 1: a Windows connect() scanner re-sends the identical SYN twice
// after each RST. Many refused ports on one host are a port scan whatever
// the stack.
func TestWindowsRetransmittingScannerIsFlagged(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("10.0.5.20"), ip("10.0.5.2")
	for i := 0; i < 300; i++ {
		sport, port := uint16(49000+i), uint16(1+i)
		for r := 0; r < 3; r++ {
			b.windowsSYN(scanner, target, sport, port, uint32(1000*i))
			b.advance(300 * time.Microsecond)
			b.reply(scanner, target, ProtoTCP, sport, port, Failed)
			b.advance(500 * time.Millisecond)
		}
	}
	b.flush()
	a := b.only(ActionPortscan)
	end := a[len(a)-1]
	if sc := end.Portsnare.Scan; sc.Ports != 300 || sc.Retried != 600 || sc.Technique != "connect" {
		t.Errorf("end: ports %d retried %d technique %s; want 300, 600, connect", sc.Ports, sc.Retried, sc.Technique)
	}
	if start := a[0].Portsnare.Scan; start.Contacts > 5 {
		t.Errorf("flagged after %d first contacts, want within 5", start.Contacts)
	}
}

// Class 4: a peer-to-peer client dials peers each on its own random port;
// many are stale (refused, silent) — with Windows' identical re-sends —
// and the rest answer. A distinct port per host maps nothing.
func TestPeerToPeerClientIsQuiet(t *testing.T) {
	b := newBed(t, nil)
	client := ip("10.1.4.176")
	for i := 0; i < 200; i++ {
		peer := nth("66.0.0.1", i*7919)
		sport, port := uint16(3000+i), uint16(20000+(i*104729)%40000)
		b.windowsSYN(client, peer, sport, port, uint32(i))
		b.advance(20 * time.Millisecond)
		switch i % 3 {
		case 0:
			b.reply(client, peer, ProtoTCP, sport, port, Succeeded)
		case 1:
			for r := 0; r < 2; r++ {
				b.reply(client, peer, ProtoTCP, sport, port, Failed)
				b.advance(500 * time.Millisecond)
				b.windowsSYN(client, peer, sport, port, uint32(i))
			}
		}
		// UDP to other peers, each on its own port, mostly answered.
		upeer := nth("70.0.0.1", i*6007)
		uport := uint16(10000 + (i*7717)%50000)
		b.udp(client, upeer, 6881, uport)
		if i%4 != 0 {
			b.advance(30 * time.Millisecond)
			b.udp(upeer, client, uport, 6881)
		}
		b.tick()
	}
	b.advance(time.Hour)
	b.tick()
	b.flush()
	b.expectNone()
	if st := b.e.Stats(); st.RepliesMatched < 200 {
		t.Errorf("only %d replies matched: the traffic did not flow as meant", st.RepliesMatched)
	}
}

// Class 2: a LAN client ARPs for each host it then talks to successfully;
// a gateway re-asks the same dozen absent addresses every 45 s.
func TestLANClientAndGatewayARPAreQuiet(t *testing.T) {
	b := newBed(t, nil)
	client, gw := ip("192.168.1.50"), ip("192.168.1.1")
	for i := 0; i < 60; i++ {
		host := nth("192.168.1.100", i)
		b.arp(client, host)
		b.advance(time.Millisecond)
		b.arpReply(client, host)
		sport := uint16(40000 + i)
		b.connect(client, host, sport, 443, uint32(i))
		b.advance(time.Millisecond)
		b.reply(client, host, ProtoTCP, sport, 443, Succeeded)
		b.advance(100 * time.Millisecond)
	}
	for round := 0; round < 80; round++ { // an hour
		for i := 0; i < 12; i++ {
			b.arp(gw, nth("192.168.1.200", i))
			b.advance(time.Second)
		}
		for i := 0; i < 20; i++ { // and the live hosts, which answer, for traffic it forwards
			host := nth("192.168.1.100", i)
			b.arp(gw, host)
			b.arpReply(gw, host)
			b.udp(nth("8.8.4.1", i), host, 53, uint16(30000+round))
		}
		b.advance(33 * time.Second)
		b.tick()
	}
	b.flush()
	b.expectNone()
}

// Class 2: a gateway asks for each address an outside scanner sweeps, as
// the probes arrive. The scanner is the sweep; the gateway is not.
func TestGatewayAskingForForwardedTrafficIsQuiet(t *testing.T) {
	b := newBed(t, nil)
	gw, scanner := ip("192.168.1.1"), ip("203.0.113.5")
	for i := 1; i < 200; i++ {
		host := nth("192.168.1.0", i)
		b.syn(scanner, host, 40000, 445, 7)
		b.advance(100 * time.Microsecond)
		b.arp(gw, host)
		b.advance(20 * time.Millisecond)
	}
	b.advance(10 * time.Second)
	b.tick()
	b.flush()
	for _, a := range b.alerts {
		if a.Source.IP != scanner.String() {
			t.Errorf("alert for %s: %s", a.Source.IP, a.Message)
		}
	}
	if len(b.alerts) == 0 {
		t.Error("the scanner itself was not flagged")
	}
}

// Class 2: an ARP sweep asks many new addresses and uses none.
func TestARPSweepIsFlagged(t *testing.T) {
	b := newBed(t, nil)
	scanner := ip("192.168.1.66")
	for i := 1; i < 255; i++ {
		host := nth("192.168.1.0", i)
		b.arp(scanner, host)
		if i%20 == 0 {
			b.arpReply(scanner, host)
		}
		b.advance(5 * time.Millisecond)
	}
	b.advance(6 * time.Second)
	b.tick()
	b.flush()
	a := b.only(ActionPingsweep)
	if sc := a[0].Portsnare.Scan; sc.Technique != "arp" || sc.Order != "sequential" {
		t.Errorf("technique %s order %s, want arp sequential", sc.Technique, sc.Order)
	}
}

// Class 6: nmap -6 -sn on-link solicits 30 live neighbours and uses none
// of them: a sweep, though every one answers.
func TestNDPSweepOfLiveHostsIsFlagged(t *testing.T) {
	b := newBed(t, nil)
	scanner := ip("fe80::10")
	for i := 0; i < 30; i++ {
		host := netip.MustParseAddr(fmt.Sprintf("2001:db8:1::%x", 0x100+i))
		b.ndp(scanner, host)
		b.advance(time.Millisecond)
		b.ndpReply(scanner, host)
		b.advance(20 * time.Millisecond)
	}
	b.advance(10 * time.Second)
	b.tick()
	b.flush()
	a := b.only(ActionPingsweep)
	if a[0].Portsnare.Scan.Technique != "ndp" || a[0].Source.IP != "fe80::10" {
		t.Errorf("technique %s source %s, want ndp from fe80::10", a[0].Portsnare.Scan.Technique, a[0].Source.IP)
	}
}

// Class 3: 59 successful connections to 59 hosts are a client, not a sweep.
func TestSuccessfulFanoutIsQuiet(t *testing.T) {
	b := newBed(t, nil)
	client := ip("198.18.0.11")
	for i := 0; i < 59; i++ {
		host := nth("198.18.1.1", i)
		sport := uint16(50000 + i)
		b.connect(client, host, sport, 443, uint32(i))
		b.advance(500 * time.Microsecond)
		b.reply(client, host, ProtoTCP, sport, 443, Succeeded)
		b.advance(50 * time.Millisecond)
	}
	b.flush()
	b.expectNone()
}

// Class 3: a bare ACK answering a client's SYN (RFC 5961 challenge ACK) is
// the server answering, not the server ACK-scanning the client.
func TestChallengeACKIsAnAnswer(t *testing.T) {
	b := newBed(t, nil)
	server := ip("198.18.0.2")
	for i := 0; i < 40; i++ {
		client := nth("198.18.0.100", i)
		sport := uint16(40000 + i)
		b.connect(client, server, sport, 22, 5)
		b.advance(time.Millisecond)
		b.tcpFlags(server, client, 22, sport, TechACK, tcpACK, FPNoTCPOptions)
		b.advance(time.Millisecond)
		b.reply(server, client, ProtoTCP, 22, sport, Failed) // the client's RST to the ACK
		b.advance(10 * time.Millisecond)
	}
	b.flush()
	b.expectNone()
}

// Class 5: a handful of NULL probes within a minute, unanswered (a host
// that drops them), is a scan.
func TestOddProbesAreEnough(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("198.18.0.10"), ip("198.18.0.2")
	b.syn(scanner, target, 1, 80, 1) // something answers, so silence is no breadth case
	b.reply(scanner, target, ProtoTCP, 1, 80, Succeeded)
	for i := 0; i < 5; i++ {
		b.tcpFlags(scanner, target, 40000, uint16(1+i), TechNULL, 0, FPNoTCPOptions)
		b.advance(2 * time.Second)
	}
	b.flush()
	a := b.only(ActionPortscan)
	if sc := a[0].Portsnare.Scan; sc.Reason != "odd-probes" || sc.Technique != "null" {
		t.Errorf("reason %s technique %s", sc.Reason, sc.Technique)
	}
}

// Class 5: nmap -O's probe set against one host, three ports.
func TestOSDetectionIsNamed(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("198.18.0.10"), ip("198.18.0.2")
	os := FPNmapOS
	for i := 0; i < 6; i++ { // SEQ probes to the open port
		b.tcpFlags(scanner, target, uint16(40000+i), 22, TechSYN, tcpSYN, os)
		b.reply(scanner, target, ProtoTCP, uint16(40000+i), 22, Succeeded)
		b.advance(100 * time.Millisecond)
	}
	b.tcpFlags(scanner, target, 40010, 22, TechSYN, tcpSYN|0xc0, os)                 // ECN
	b.tcpFlags(scanner, target, 40011, 22, TechNULL, 0, os)                          // T2
	b.tcpFlags(scanner, target, 40012, 22, TechSYN, tcpSYN|tcpFIN|tcpURG|tcpPSH, os) // T3
	b.tcpFlags(scanner, target, 40013, 22, TechACK, tcpACK, os)                      // T4
	b.tcpFlags(scanner, target, 40014, 9, TechSYN, tcpSYN, os)                       // T5
	b.tcpFlags(scanner, target, 40015, 9, TechACK, tcpACK, os)                       // T6
	b.tcpFlags(scanner, target, 40016, 9, TechXmas, tcpFIN|tcpPSH|tcpURG, os)        // T7
	b.flush()
	a := b.only(ActionOSScan)
	if a[0].Destination == nil || a[0].Destination.IP != "198.18.0.2" {
		t.Errorf("destination %+v", a[0].Destination)
	}
}

// Class 11: a tap sees only the target's side: RST-ACKs and ICMP errors to
// one address. The prober is flagged; the target never is.
func TestAnswersOnlyFlagTheProber(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("203.0.113.9"), ip("198.18.0.2")
	for i := 0; i < 100; i++ {
		b.e.Reply(&Reply{Time: b.now, Prober: scanner, Target: target, Proto: ProtoTCP,
			ProberPort: 51000, TargetPort: uint16(1 + i), Outcome: Failed, AnswersProbe: true})
		b.advance(10 * time.Millisecond)
	}
	// RSTs that close connections (not answers to probes) say nothing.
	for i := 0; i < 100; i++ {
		b.e.Reply(&Reply{Time: b.now, Prober: ip("198.18.7.7"), Target: nth("198.18.8.1", i), Proto: ProtoTCP,
			ProberPort: 443, TargetPort: uint16(30000 + i), Outcome: Failed})
	}
	b.flush()
	a := b.only(ActionPortscan)
	if a[0].Source.IP != scanner.String() || a[0].Portsnare.Scan.Technique != "tcp" || a[len(a)-1].Portsnare.Scan.Unseen != 100 {
		t.Errorf("source %s technique %s unseen %d", a[0].Source.IP, a[0].Portsnare.Scan.Technique, a[len(a)-1].Portsnare.Scan.Unseen)
	}
}

// Class 6: a scanner rotating addresses inside its /64 is one source.
func TestIPv6PrefixIsOneSource(t *testing.T) {
	b := newBed(t, nil)
	target := ip("2001:db8:2::2")
	for i := 0; i < 40; i++ {
		src := netip.MustParseAddr(fmt.Sprintf("2001:db8:1:1::%x", 0x10+i%8))
		b.syn(src, target, uint16(40000+i), uint16(1+i), 9)
		b.reply(src, target, ProtoTCP, uint16(40000+i), uint16(1+i), Failed)
		b.advance(10 * time.Millisecond)
	}
	b.flush()
	a := b.only(ActionPortscan)
	end := a[len(a)-1].Portsnare.Scan
	if end.SourcePrefix != "2001:db8:1:1::/64" || len(end.SourceAddresses) != 8 || end.Ports != 40 {
		t.Errorf("prefix %q addresses %v ports %d", end.SourcePrefix, end.SourceAddresses, end.Ports)
	}
	if a[0].Source.IP != "2001:db8:1:1::10" {
		t.Errorf("source.ip %s, want the first address seen", a[0].Source.IP)
	}
}

// Class 7: sources splitting a target's ports name only themselves; a
// scanner that failed there an hour before is not one of them, and a slice
// source alerted on its own is referenced by its episode.
func TestDistributedNamesParticipants(t *testing.T) {
	b := newBed(t, nil)
	target := ip("198.18.0.2")
	early := ip("203.0.113.200")
	for p := 0; p < 3; p++ {
		b.syn(early, target, 4000, uint16(7000+p), 9)
		b.reply(early, target, ProtoTCP, 4000, uint16(7000+p), Failed)
	}
	b.advance(time.Hour)
	var slice []string
	for s := 0; s < 10; s++ {
		src := nth("203.0.113.1", s)
		slice = append(slice, src.String())
		n := 3
		if s == 0 {
			n = 20 // one slice is wide enough to be flagged alone
		}
		for p := 0; p < n; p++ {
			port := uint16(1 + s*30 + p)
			b.syn(src, target, 4000, port, 9)
			b.reply(src, target, ProtoTCP, 4000, port, Failed)
			b.advance(50 * time.Millisecond)
		}
	}
	b.flush()
	var got *Alert
	for _, a := range b.alerts {
		if a.Event.Action == ActionDistributedPortscan && a.Portsnare.Phase == PhaseEnd {
			got = a
		}
	}
	if got == nil {
		t.Fatalf("no distributed alert among %d", len(b.alerts))
	}
	srcs := slices.Clone(got.Portsnare.Scan.Sources)
	slices.Sort(srcs)
	slices.Sort(slice)
	if !slices.Equal(srcs, slice) {
		t.Errorf("sources %v, want %v", srcs, slice)
	}
	if len(got.Portsnare.Scan.Episodes) != 1 {
		t.Errorf("episodes %v, want the one slice source alerted alone", got.Portsnare.Scan.Episodes)
	}
}

// Class 7: independent scanners of one target overlap on the ports every
// scanner tries first: no distributed scan.
func TestOverlappingScannersAreNotDistributed(t *testing.T) {
	b := newBed(t, nil)
	target := ip("198.18.0.2")
	top := []uint16{21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1723, 3306, 3389, 5900, 8080}
	for s := 0; s < 12; s++ {
		for i, port := range top {
			if (i+s)%4 == 0 {
				continue // each skips a few
			}
			b.syn(nth("203.0.113.1", s), target, 4000, port, 9)
			b.reply(nth("203.0.113.1", s), target, ProtoTCP, 4000, port, Failed)
		}
		b.advance(time.Second)
	}
	b.flush()
	if n := b.count(ActionDistributedPortscan, PhaseStart); n != 0 {
		t.Errorf("%d distributed alerts for 12 scanners trying the same ports", n)
	}
	if n := b.count(ActionPortscan, PhaseStart); n != 12 {
		t.Errorf("%d portscan episodes, want 12", n)
	}
}

// Class 8: an episode keeps its action from start to end; a shape that
// changes is named.
func TestEpisodeKeepsItsAction(t *testing.T) {
	b := newBed(t, nil)
	scanner := ip("198.18.0.10")
	for i := 0; i < 60; i++ { // host discovery: half the hosts are dead
		host := nth("198.18.1.1", i)
		b.e.Probe(&Probe{Time: b.now, Src: scanner, Dst: host, Proto: ProtoICMP, Technique: TechICMP, SrcPort: 7, DstPort: 8})
		if i%2 == 0 {
			b.e.Reply(&Reply{Time: b.now, Prober: scanner, Target: host, Proto: ProtoICMP, ProberPort: 7, TargetPort: 8, Outcome: Succeeded})
		}
		b.advance(100 * time.Millisecond)
	}
	b.advance(6 * time.Second)
	b.tick()
	for i := 0; i < 60; i += 2 { // then port 80 on the live ones, half closed
		host := nth("198.18.1.1", i)
		b.syn(scanner, host, 5000, 80, 3)
		o := Failed
		if i%6 == 0 {
			o = Succeeded
		}
		b.reply(scanner, host, ProtoTCP, 5000, 80, o)
		b.advance(10 * time.Millisecond)
	}
	b.flush()
	a := b.only(ActionPingsweep)
	end := a[len(a)-1]
	if end.Portsnare.Phase != PhaseEnd || end.Portsnare.Scan.Shape != ActionPortsweep {
		t.Errorf("end phase %s shape %q, want end with shape portsweep", end.Portsnare.Phase, end.Portsnare.Scan.Shape)
	}
}

// Class 9: current tool marks.
func TestToolFingerprints(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Probe
		want string
	}{
		{"zmap-4.1", Probe{Technique: TechConnect, Window: 65535, TTL: 64, IPID: 3121, FP: FPFullOptions | FPWindowsOptions}, "zmap"},
		{"zmap-old", Probe{Technique: TechSYN, Window: 65535, TTL: 250, IPID: 54321, FP: FPNoTCPOptions}, "zmap"},
		{"masscan-1.3.9", Probe{Technique: TechSYN, Window: 1025, TTL: 250, FP: FPMSSOnly}, "masscan"},
		{"nmap", Probe{Technique: TechSYN, Window: 1024, TTL: 50, FP: FPMSSOnly}, "nmap"},
		{"windows", Probe{Technique: TechConnect, Window: 64240, TTL: 128, FP: FPFullOptions | FPWindowsOptions}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBed(t, nil)
			for i := 0; i < 30; i++ {
				p := tc.p
				p.Time, p.Src, p.Dst, p.Proto = b.now, ip("198.18.0.10"), nth("198.18.1.1", i), ProtoTCP
				p.SrcPort, p.DstPort, p.Seq = uint16(40000+i), 80, uint32(i*7)
				b.e.Probe(&p)
				b.reply(p.Src, p.Dst, ProtoTCP, p.SrcPort, 80, Failed)
				b.advance(time.Millisecond)
			}
			b.flush()
			a := b.only(ActionPortsweep)
			if got := a[0].Portsnare.Scan.Tool; got != tc.want {
				t.Errorf("tool %q, want %q", got, tc.want)
			}
			if a[0].Portsnare.Scan.Technique != "syn" && tc.want == "zmap" {
				t.Errorf("technique %s, want syn", a[0].Portsnare.Scan.Technique)
			}
		})
	}
}

// Class 12: five concurrent scanners give the same alerts in the same order
// on every run, housekeeping included.
func TestConcurrentScannersAreDeterministic(t *testing.T) {
	run := func() []byte {
		b := newBed(t, nil)
		for i := 0; i < 400; i++ {
			for s := 0; s < 5; s++ {
				src := nth("203.0.113.10", s*17)
				port := uint16(1 + (i*31+s*7)%1000)
				b.syn(src, nth("198.18.0.2", s), 4000, port, 1)
				if i%3 != 0 {
					b.reply(src, nth("198.18.0.2", s), ProtoTCP, 4000, port, Failed)
				}
			}
			b.advance(50 * time.Millisecond)
			if i%20 == 0 {
				b.tick()
			}
		}
		b.advance(time.Hour)
		b.tick()
		b.flush()
		var buf bytes.Buffer
		for _, a := range b.alerts {
			_ = json.NewEncoder(&buf).Encode(a)
		}
		return buf.Bytes()
	}
	first := run()
	if len(first) == 0 {
		t.Fatal("no alerts")
	}
	for i := 0; i < 20; i++ {
		if !bytes.Equal(run(), first) {
			t.Fatalf("run %d differs from the first", i+2)
		}
	}
}

// The evidence paths allocate nothing per packet once a source is tracked:
// new first contacts and their answers, the wait queue, neighbour asks,
// UDP answers, and an IPv6 source tracked by prefix.
func TestEvidencePathsDoNotAllocate(t *testing.T) {
	b := newBed(t, nil)
	v4, v6 := ip("10.9.0.1"), ip("2001:db8:9::1")
	step := func(i int) {
		b.advance(time.Millisecond)
		host := nth("10.9.1.0", i%200)
		port := uint16(1000 + i%3000)
		b.arp(v4, host)
		b.arpReply(v4, host)
		b.connect(v4, host, port, 443, uint32(i))
		b.reply(v4, host, ProtoTCP, port, 443, Succeeded)
		b.udp(v4, host, port, 53)
		b.udp(host, v4, 53, port)
		h6 := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, 14: byte(i >> 8), 15: byte(i)})
		b.connect(v6, h6, port, 443, uint32(i))
		b.reply(v6, h6, ProtoTCP, port, 443, Succeeded)
	}
	for i := 0; i < 500; i++ { // warm up: sources, their prefix record
		step(i)
	}
	i := 500
	allocs := testing.AllocsPerRun(2000, func() {
		step(i)
		i++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per step", allocs)
	}
	b.expectNone()
}

// A busy client (or a household behind one address) with a run of failures
// among hundreds of successes is a client having a bad minute; the same
// client turning to scan a host is flagged.
func TestRunOfFailuresAmongSuccesses(t *testing.T) {
	b := newBed(t, nil)
	client := ip("2001:db8:77::10")
	for i := 0; i < 200; i++ {
		srv := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 1, 14: byte(i >> 8), 15: byte(i)})
		b.connect(client, srv, uint16(30000+i), 443, uint32(i))
		b.reply(client, srv, ProtoTCP, uint16(30000+i), 443, Succeeded)
		b.advance(time.Second)
	}
	for i := 0; i < 12; i++ { // a blocked CDN: refused, one host after another
		srv := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 2, 15: byte(i)})
		b.connect(client, srv, uint16(40000+i), 443, uint32(i))
		b.reply(client, srv, ProtoTCP, uint16(40000+i), 443, Failed)
		b.advance(100 * time.Millisecond)
	}
	b.tick()
	if len(b.alerts) != 0 {
		t.Fatalf("busy client flagged: %s", b.alerts[0].Message)
	}
	target := ip("2001:db8:3::3")
	for p := 1; p <= 300; p++ {
		b.connect(client, target, uint16(50000+p), uint16(p), 1)
		b.reply(client, target, ProtoTCP, uint16(50000+p), uint16(p), Failed)
		b.advance(10 * time.Millisecond)
	}
	b.flush()
	b.only(ActionPortscan)
}

// Class 4: a BitTorrent client's peers are on random ports, a fifth of them
// on a popular client's default; half of all peers are stale. The failures
// on the default port are a fraction of the failures, not a sweep.
func TestPeersOnADefaultPortAreNoSweep(t *testing.T) {
	b := newBed(t, nil)
	client := ip("192.168.1.20")
	for i := 0; i < 200; i++ {
		peer := nth("80.0.0.1", i*104723)
		port := uint16(10000 + (i*7919)%50000)
		if i%5 == 0 {
			port = 51413
		}
		sport := uint16(40000 + i)
		b.windowsSYN(client, peer, sport, port, uint32(i))
		b.advance(30 * time.Millisecond)
		if i%2 == 0 {
			b.reply(client, peer, ProtoTCP, sport, port, Failed)
		} else {
			b.reply(client, peer, ProtoTCP, sport, port, Succeeded)
		}
		b.tick()
	}
	b.advance(time.Hour)
	b.flush()
	b.expectNone()
}

// A block scan seen with its answers: ten hosts, a hundred ports each.
func TestBlockScanWithAnswers(t *testing.T) {
	b := newBed(t, nil)
	scanner := ip("198.18.0.10")
	for p := 1; p <= 100; p++ {
		for h := 0; h < 10; h++ {
			host := nth("198.18.1.1", h)
			b.syn(scanner, host, 40000, uint16(p), 5)
			o := Failed
			if p == 22 {
				o = Succeeded
			}
			b.reply(scanner, host, ProtoTCP, 40000, uint16(p), o)
		}
		b.advance(5 * time.Millisecond)
	}
	b.flush()
	a := b.alerts[len(b.alerts)-1]
	if a.Portsnare.Scan.Shape != ActionBlockscan && a.Event.Action != ActionBlockscan {
		t.Errorf("end alert: action %s shape %q, want a blockscan", a.Event.Action, a.Portsnare.Scan.Shape)
	}
}

// Packets from several capture sockets reach the engine slightly out of
// order: a client's SYN may be read before the ARP request that preceded it.
// The ask is still resolution, not discovery.
func TestAskReadAfterItsTraffic(t *testing.T) {
	b := newBed(t, nil)
	client := ip("192.168.1.50")
	b.arp(client, ip("192.168.1.1")) // asks have been seen on this link
	for i := 0; i < 40; i++ {
		host := nth("192.168.1.100", i)
		sport := uint16(40000 + i)
		asked := b.now
		b.advance(500 * time.Microsecond)
		b.connect(client, host, sport, 443, uint32(i))
		b.e.Probe(&Probe{Time: asked, Src: client, Dst: host, Proto: ProtoARP, Technique: TechARP, DstPort: ARPPort})
		b.arpReply(client, host)
		b.reply(client, host, ProtoTCP, sport, 443, Succeeded)
		b.advance(20 * time.Millisecond)
	}
	b.advance(10 * time.Second)
	b.tick()
	b.flush()
	b.expectNone()
}

// A new scanner's probes read after the target's answers to them (several
// capture sockets, fragmented probes): the probes still name the scan.
func TestAnswersReadBeforeTheirProbes(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("198.18.0.10"), ip("198.18.0.2")
	for i := 0; i < 40; i++ {
		port := uint16(1 + i)
		b.e.Reply(&Reply{Time: b.now.Add(time.Millisecond), Prober: scanner, Target: target, Proto: ProtoTCP,
			ProberPort: 40000, TargetPort: port, Outcome: Failed, AnswersProbe: true})
		b.syn(scanner, target, 40000, port, 7)
		b.advance(5 * time.Millisecond)
	}
	b.flush()
	a := b.only(ActionPortscan)
	if sc := a[len(a)-1].Portsnare.Scan; sc.Technique != "syn" || sc.Unseen != 0 || sc.Failed != 40 {
		t.Errorf("technique %s unseen %d failed %d; want syn, 0, 40", sc.Technique, sc.Unseen, sc.Failed)
	}
}

// A home router re-asks the devices in its list every half minute, most of
// them gone: two dozen unanswered asks within a second, like a sweep's —
// until the same asks come again.
func TestRouterReaskingItsDeviceListIsQuiet(t *testing.T) {
	b := newBed(t, nil)
	router := ip("192.168.1.1")
	list := []int{250, 2, 5, 100, 10, 6, 7, 9, 8, 105, 4, 33, 19, 21, 13, 23, 25, 27, 26, 29, 30, 31}
	for round := 0; round < 6; round++ {
		for _, n := range list {
			host := nth("192.168.1.0", n)
			b.arp(router, host)
			if n == 100 {
				b.arpReply(router, host)
			}
			b.advance(time.Millisecond)
		}
		b.advance(30 * time.Second)
		b.tick()
	}
	b.flush()
	b.expectNone()
}

// A capture that ends seconds after one refresh round of a router's device
// list has not shown the asks repeat; the round asks in no address order and
// fewer addresses than a sweep of a range does, so it is not raised. An ARP
// sweep cut short the same way walks its range in order, and is.
func TestNeighbourVerdictCutShort(t *testing.T) {
	b := newBed(t, nil)
	router := ip("192.168.1.1")
	for _, n := range []int{250, 2, 5, 100, 10, 6, 7, 9, 8, 105, 4, 33, 19, 21, 13, 23, 25, 27, 26, 29, 30, 31} {
		b.arp(router, nth("192.168.1.0", n))
		b.advance(time.Millisecond)
	}
	b.advance(6 * time.Second)
	b.tick()
	b.flush()
	b.expectNone()

	b = newBed(t, nil)
	for n := 1; n <= 30; n++ {
		b.arp(ip("192.168.1.66"), nth("192.168.1.0", n))
		b.advance(time.Millisecond)
	}
	b.advance(6 * time.Second)
	b.tick()
	b.flush()
	b.only(ActionPingsweep)
}
