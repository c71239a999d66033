package detect

import (
	"testing"
	"time"
)

// Cases found in review of the evidence model, each once wrong.

// One visible answer must not turn breadth off for good: a one-way UDP scan
// whose first port answers is still a scan.
func TestOneAnswerLeavesBreadth(t *testing.T) {
	b := newBed(t, nil)
	sc, tg := ip("198.18.0.10"), ip("198.18.0.2")
	b.udp(sc, tg, 40000, 1)
	b.udp(tg, sc, 1, 40000)
	for p := 2; p <= 200; p++ {
		b.udp(sc, tg, 40000, uint16(p))
		b.advance(50 * time.Millisecond)
	}
	b.flush()
	b.only(ActionPortscan)
}

// A source evicted for room leaves nothing behind to be judged: no alert
// for it, no episode left open.
func TestEvictedSourceIsNotJudged(t *testing.T) {
	b := newBed(t, func(c *Config) { c.MaxSources, c.Shards = 4, 1 })
	a, tg := ip("10.0.0.1"), ip("10.9.0.2")
	b.syn(a, tg, 4000, 1, 1)
	b.reply(a, tg, ProtoTCP, 4000, 1, Failed)
	for p := 2; p <= 4; p++ {
		b.syn(a, tg, 4000, uint16(p), 1)
	}
	for i := 0; i < 3; i++ { // three others, each promoted, push a out
		o := nth("10.2.0.1", i)
		b.syn(o, tg, 1, 80, 1)
		b.syn(o, tg, 1, 81, 1)
	}
	b.advance(6 * time.Second)
	b.tick()
	b.flush()
	for _, al := range b.alerts {
		if al.Source.IP == a.String() {
			t.Errorf("alert for an evicted source: %s", al.Message)
		}
	}
	if len(b.e.active) != 0 {
		t.Errorf("%d episodes left open", len(b.e.active))
	}
}

// A silence answered late by a refusal is one failure, not two.
func TestLateRefusalCountsOnce(t *testing.T) {
	b := newBed(t, nil)
	c, tg := ip("198.18.0.50"), ip("198.18.0.2")
	// Two refusals elsewhere (in another network block: four failures
	// in one block would map it, see blockOf): the source gets answers.
	for i := 0; i < 2; i++ {
		b.connect(c, nth("203.0.113.1", i), uint16(30000+i), 22, 1)
		b.reply(c, nth("203.0.113.1", i), ProtoTCP, uint16(30000+i), 22, Failed)
	}
	b.connect(c, tg, 31000, 7001, 1)
	b.connect(c, tg, 31001, 7002, 1)
	b.advance(6 * time.Second)
	b.tick()
	b.reply(c, tg, ProtoTCP, 31000, 7001, Failed)
	b.reply(c, tg, ProtoTCP, 31001, 7002, Failed)
	b.flush()
	b.expectNone()
	if s := b.e.lookup(c); s != nil && s.portFailures != 4 {
		t.Errorf("portFailures %d, want 4", s.portFailures)
	}
}

// Challenge ACKs come from the server's service port.
func TestChallengeACKFromServicePorts(t *testing.T) {
	b := newBed(t, nil)
	c, srv := ip("198.18.0.60"), ip("198.18.0.2")
	b.connect(c, ip("198.18.0.3"), 29999, 443, 1)
	b.reply(c, ip("198.18.0.3"), ProtoTCP, 29999, 443, Succeeded)
	for i, port := range []uint16{443, 993, 587, 22, 995} {
		sport := uint16(40000 + i)
		b.connect(c, srv, sport, port, 1)
		b.tcpFlags(srv, c, port, sport, TechACK, tcpACK, FPNoTCPOptions)
		b.advance(10 * time.Millisecond)
	}
	b.advance(10 * time.Second)
	b.tick()
	b.flush()
	b.expectNone()
}

// Answered pings do not dilute a port scan's failures.
func TestPingsDoNotHideAPortScan(t *testing.T) {
	b := newBed(t, nil)
	sc := ip("198.18.0.10")
	for i := 0; i < 100; i++ {
		h := nth("198.18.1.1", i)
		b.e.Probe(&Probe{Time: b.now, Src: sc, Dst: h, Proto: ProtoICMP, Technique: TechICMP, SrcPort: 7, DstPort: 8})
		b.e.Reply(&Reply{Time: b.now, Prober: sc, Target: h, Proto: ProtoICMP, ProberPort: 7, TargetPort: 8, Outcome: Succeeded})
	}
	for p := 1; p <= 30; p++ {
		b.syn(sc, ip("198.18.1.1"), 40000, uint16(p), 3)
		b.reply(sc, ip("198.18.1.1"), ProtoTCP, 40000, uint16(p), Failed)
	}
	b.flush()
	b.only(ActionPortscan)
}

// A prober seen sending something still has its unseen probes inferred
// from the answers that can only answer them.
func TestUnseenProbesOfAKnownSource(t *testing.T) {
	b := newBed(t, nil)
	sc, tg := ip("203.0.113.9"), ip("198.18.0.2")
	b.udp(sc, ip("198.18.0.53"), 5353, 53)
	for i := 0; i < 100; i++ {
		b.e.Reply(&Reply{Time: b.now, Prober: sc, Target: tg, Proto: ProtoTCP,
			ProberPort: 51000, TargetPort: uint16(1 + i), Outcome: Failed, AnswersProbe: true})
		b.advance(10 * time.Millisecond)
	}
	b.flush()
	b.only(ActionPortscan)
}

// An independent scanner refused on a target while a distributed scan of it
// is open is not one of its sources; nor does a target scanned long before
// lose room for one.
func TestDistributedKeepsItsSources(t *testing.T) {
	b := newBed(t, nil)
	tg := ip("198.18.0.2")
	for s := 0; s < 8; s++ {
		for p := 0; p < 3; p++ {
			port := uint16(2000 + s*3 + p)
			b.syn(nth("203.0.113.1", s), tg, 4000, port, 9)
			b.reply(nth("203.0.113.1", s), tg, ProtoTCP, 4000, port, Failed)
			b.advance(100 * time.Millisecond)
		}
	}
	full := ip("203.0.113.200")
	for p := 1; p <= 1000; p++ {
		b.syn(full, tg, 5000, uint16(p), 9)
		b.reply(full, tg, ProtoTCP, 5000, uint16(p), Failed)
	}
	b.flush()
	var end *Alert
	for _, a := range b.alerts {
		if a.Event.Action == ActionDistributedPortscan && a.Portsnare.Phase == PhaseEnd {
			end = a
		}
	}
	if end == nil {
		t.Fatal("no distributed alert")
	}
	if n := len(end.Portsnare.Scan.Sources); n != 8 {
		t.Errorf("%d sources %v, want the 8 that split the ports", n, end.Portsnare.Scan.Sources)
	}
}

func TestDistributedAfterALongScan(t *testing.T) {
	b := newBed(t, nil)
	tg := ip("198.18.0.2")
	for p := 1; p <= 5000; p++ { // background scanning, long before
		b.syn(ip("203.0.113.250"), tg, 5000, uint16(p), 9)
		b.reply(ip("203.0.113.250"), tg, ProtoTCP, 5000, uint16(p), Failed)
	}
	b.advance(5 * time.Minute)
	for s := 0; s < 70; s++ { // others come and go, within the window
		b.syn(nth("203.0.114.1", s), tg, 4000, 1, 9)
		b.reply(nth("203.0.114.1", s), tg, ProtoTCP, 4000, 1, Failed)
	}
	b.advance(11 * time.Minute)
	for s := 0; s < 8; s++ {
		for p := 0; p < 3; p++ {
			port := uint16(6000 + s*3 + p)
			b.syn(nth("203.0.113.1", s), tg, 4000, port, 9)
			b.reply(nth("203.0.113.1", s), tg, ProtoTCP, 4000, port, Failed)
			b.advance(100 * time.Millisecond)
		}
	}
	b.flush()
	if b.count(ActionDistributedPortscan, PhaseStart) != 1 {
		t.Errorf("no distributed alert after a long scan of the target")
	}
}

// A busy server closing connections its clients already left — FIN+PSH+ACK
// to their ephemeral ports, each refused with a RST — is no scanner.
func TestServerClosingWithOddFlagsIsQuiet(t *testing.T) {
	b := newBed(t, nil)
	srv := ip("198.18.0.2")
	for i := 0; i < 60; i++ {
		c := nth("198.18.5.1", i%2) // two clients behind one NAT each, many connections
		cport := uint16(50000 + i)
		b.tcpFlags(srv, c, 443, cport, TechTCPOdd, tcpFIN|tcpPSH|tcpACK, FPFullOptions)
		b.reply(srv, c, ProtoTCP, 443, cport, Failed)
		b.advance(100 * time.Millisecond)
	}
	b.flush()
	b.expectNone()
}
