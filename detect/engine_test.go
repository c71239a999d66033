package detect

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"
)

func TestFailedContactsFlagWithinFive(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("198.18.0.10"), ip("198.18.0.2")
	for i := 0; i < 5; i++ {
		b.syn(scanner, target, 40000, uint16(1000+i*7), 1)
		b.advance(time.Millisecond)
		b.reply(scanner, target, ProtoTCP, 40000, uint16(1000+i*7), Failed)
		b.advance(100 * time.Millisecond)
	}
	if n := b.count(ActionPortscan, PhaseStart); n != 1 {
		t.Fatalf("after 5 refused first contacts: %d portscan start alerts, want 1 (alerts %v)", n, b.alerts)
	}
	a := b.alerts[0]
	if a.Portsnare.Scan.Failed > 5 || a.Portsnare.Scan.Reason != "failed-contacts" {
		t.Errorf("start alert: failed=%d reason=%s", a.Portsnare.Scan.Failed, a.Portsnare.Scan.Reason)
	}
	if a.Destination == nil || a.Destination.IP != "198.18.0.2" || a.Portsnare.Scan.Technique != "syn" || a.Portsnare.Scan.Tool != "nmap" {
		t.Errorf("start alert fields: %+v", a)
	}
}

func TestBusyClientsStayQuiet(t *testing.T) {
	b := newBed(t, nil)
	client := ip("198.18.0.50")
	server := ip("198.18.0.2")
	// Hundreds of connections to one service.
	for i := 0; i < 300; i++ {
		sport := uint16(30000 + i)
		b.connect(client, server, sport, 443, uint32(i*1000))
		b.advance(time.Millisecond)
		b.reply(client, server, ProtoTCP, sport, 443, Succeeded)
		b.advance(50 * time.Millisecond)
	}
	// A browser fanning out to many servers, all answering.
	for i := 0; i < 80; i++ {
		sport := uint16(40000 + i)
		srv := nth("198.19.0.1", i*3)
		b.connect(client, srv, sport, 443, uint32(i))
		b.advance(2 * time.Millisecond)
		b.reply(client, srv, ProtoTCP, sport, 443, Succeeded)
		if i%10 == 0 { // the odd server refuses or stays silent
			b.connect(client, srv, sport+1000, 80, uint32(i))
			b.reply(client, srv, ProtoTCP, sport+1000, 80, Failed)
		}
	}
	b.advance(time.Hour)
	b.tick()
	b.flush()
	b.expectNone()
}

func TestDNSServerAnsweringManyPortsIsQuiet(t *testing.T) {
	b := newBed(t, nil)
	resolver := ip("198.18.0.53")
	for c := 0; c < 20; c++ {
		client := nth("198.18.1.1", c)
		for q := 0; q < 30; q++ {
			sport := uint16(20000 + c*100 + q)
			b.udp(client, resolver, sport, 53)
			b.advance(time.Millisecond)
			b.udp(resolver, client, 53, sport)
		}
	}
	// Answers whose queries the sensor never saw.
	for q := 0; q < 500; q++ {
		b.udp(resolver, nth("198.18.2.1", q%50), 53, uint16(1024+q*97))
	}
	b.flush()
	b.expectNone()
	if s := b.e.lookup(resolver); s != nil && s.contacts > 0 {
		t.Errorf("resolver has %d first contacts", s.contacts)
	}
}

func TestRepliesNeverMakeAScanner(t *testing.T) {
	b := newBed(t, nil)
	host := ip("198.18.0.2")
	for i := 0; i < 2000; i++ {
		b.reply(nth("198.18.4.1", i), host, ProtoTCP, uint16(1024+i), 80, Failed)
		b.reply(nth("198.18.4.1", i), host, ProtoUDP, uint16(1024+i), 53, Failed)
	}
	b.flush()
	b.expectNone()
	if n := b.e.Stats().Sources; n != 0 {
		t.Errorf("%d sources tracked from replies alone", n)
	}
}

func TestOneWayBreadth(t *testing.T) {
	t.Run("vertical", func(t *testing.T) {
		b := newBed(t, nil)
		for i := 0; i < 30; i++ {
			b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(i*31+1), 7)
			b.advance(90 * time.Millisecond)
		}
		b.flush()
		a := b.only(ActionPortscan)
		if a[0].Portsnare.Scan.Reason != "vertical-breadth" || a[0].Portsnare.Scan.Ports != 20 {
			t.Errorf("start: reason %s ports %d", a[0].Portsnare.Scan.Reason, a[0].Portsnare.Scan.Ports)
		}
		if end := a[len(a)-1]; end.Portsnare.Phase != PhaseEnd || end.Portsnare.Scan.Ports != 30 {
			t.Errorf("end: phase %s ports %d", end.Portsnare.Phase, end.Portsnare.Scan.Ports)
		}
	})
	t.Run("horizontal", func(t *testing.T) {
		b := newBed(t, nil)
		for i := 0; i < 40; i++ {
			b.syn(ip("10.9.0.1"), nth("10.9.1.1", i), 5555, 80, 7)
			b.advance(time.Millisecond)
		}
		b.flush()
		a := b.only(ActionPortsweep)
		if a[0].Portsnare.Scan.Order != "sequential" {
			t.Errorf("order %s, want sequential", a[0].Portsnare.Scan.Order)
		}
	})
	t.Run("block", func(t *testing.T) {
		b := newBed(t, nil)
		for h := 0; h < 8; h++ {
			for p := 0; p < 10; p++ {
				b.syn(ip("10.9.0.1"), nth("10.9.1.1", h*17), 5555, uint16(20+p*13), 7)
			}
		}
		b.flush()
		b.only(ActionBlockscan)
	})
}

func TestOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ports func(i int) uint16
		want  string
	}{
		{"sequential", func(i int) uint16 { return uint16(1 + i) }, "sequential"},
		{"random", func(i int) uint16 { return uint16((i * 7919) % 1000) }, "random"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBed(t, nil)
			for i := 0; i < 50; i++ {
				b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, tc.ports(i), 7)
			}
			b.flush()
			for _, a := range b.only(ActionPortscan) {
				if a.Portsnare.Scan.Order != tc.want {
					t.Errorf("%s: order %s, want %s", a.Portsnare.Phase, a.Portsnare.Scan.Order, tc.want)
				}
			}
		})
	}
}

func TestLifecycleAndDeterministicIDs(t *testing.T) {
	run := func() []*Alert {
		b := newBed(t, nil)
		for i := 0; i < 1000; i++ {
			b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(i+1), 7)
			b.advance(time.Millisecond)
		}
		b.advance(time.Hour)
		b.tick()
		return b.alerts
	}
	a1, a2 := run(), run()
	var phases []Phase
	for _, a := range a1 {
		phases = append(phases, a.Portsnare.Phase)
	}
	// 20 ports start; ×10 → 200 update; 1000 < 2000 → no more; idle → end.
	if len(a1) != 3 || phases[0] != PhaseStart || phases[1] != PhaseUpdate || phases[2] != PhaseEnd {
		t.Fatalf("phases %v", phases)
	}
	if a1[2].Portsnare.Scan.Ports != 1000 || a1[2].Portsnare.Scan.EndReason != "idle" {
		t.Errorf("end summary: %+v", a1[2].Portsnare.Scan)
	}
	seen := map[string]bool{}
	for i := range a1 {
		j1, _ := json.Marshal(a1[i])
		j2, _ := json.Marshal(a2[i])
		if string(j1) != string(j2) {
			t.Errorf("alert %d differs between identical runs", i)
		}
		if seen[a1[i].Event.ID] {
			t.Errorf("duplicate event id %s", a1[i].Event.ID)
		}
		seen[a1[i].Event.ID] = true
		if a1[i].Portsnare.Episode != a1[0].Portsnare.Episode {
			t.Errorf("episode id changed within one episode")
		}
	}
}

func TestSlowScanCaught(t *testing.T) {
	for _, gap := range []time.Duration{15 * time.Second, 5 * time.Minute} {
		b := newBed(t, nil)
		for i := 0; i < 25; i++ {
			b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(100+i), 7)
			b.advance(gap)
			b.tick()
		}
		if n := b.count(ActionPortscan, PhaseStart); n != 1 {
			t.Errorf("gap %s: %d starts", gap, n)
		}
	}
}

func TestScanResistance(t *testing.T) {
	b := newBed(t, func(c *Config) { c.MaxSources = 1000; c.Shards = 4 })
	scanner, target := ip("198.18.0.10"), ip("198.18.0.2")
	for i := 0; i < 10; i++ {
		b.syn(scanner, target, 40000, uint16(1+i), 1)
	}
	// A flood of one-packet spoofed sources, 100x the state limit.
	for i := 0; i < 100_000; i++ {
		b.syn(nth("100.64.0.0", i), target, 1234, 80, uint32(i))
	}
	for i := 10; i < 20; i++ {
		b.syn(scanner, target, 40000, uint16(1+i), 1)
	}
	if n := b.count(ActionPortscan, PhaseStart); n != 1 {
		t.Fatalf("scanner not detected after the flood (%d alerts)", len(b.alerts))
	}
	// Sources seen once cost a lone slot only: none was tracked, and
	// none pushed another out.
	if st := b.e.Stats(); st.Sources != 1 || st.Evictions != 0 || st.LoneKept < 100_000 {
		t.Errorf("stats after flood: %+v", st)
	}
}

func TestEvictionEndsEpisode(t *testing.T) {
	b := newBed(t, func(c *Config) { c.MaxSources = 64; c.Shards = 1 })
	for i := 0; i < 30; i++ {
		b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(100+i), 7)
	}
	// Other sources that each make two contacts fill the protected segment.
	for i := 0; i < 200; i++ {
		b.syn(nth("10.10.0.1", i), ip("10.9.0.2"), 1, 80, 1)
		b.syn(nth("10.10.0.1", i), ip("10.9.0.2"), 1, 81, 1)
	}
	if n := b.count(ActionPortscan, PhaseEnd); n != 1 {
		t.Fatalf("%d end alerts, want 1", n)
	}
	for _, a := range b.alerts {
		if a.Portsnare.Phase == PhaseEnd && a.Portsnare.Scan.EndReason != "evicted" {
			t.Errorf("end reason %q", a.Portsnare.Scan.EndReason)
		}
	}
}

func TestConnectScanAgainstLinuxIsFlagged(t *testing.T) {
	b := newBed(t, nil)
	for i := 0; i < 8; i++ {
		b.connect(ip("10.9.0.1"), ip("10.9.0.2"), uint16(50000+i), uint16(1+i*3), uint32(i))
		b.reply(ip("10.9.0.1"), ip("10.9.0.2"), ProtoTCP, uint16(50000+i), uint16(1+i*3), Failed)
		b.advance(10 * time.Millisecond)
	}
	b.advance(10 * time.Second)
	b.tick()
	a := b.only(ActionPortscan)
	if a[0].Portsnare.Scan.Technique != "connect" {
		t.Errorf("technique %s", a[0].Portsnare.Scan.Technique)
	}
}

func TestDecoyScanOneAlert(t *testing.T) {
	b := newBed(t, nil)
	srcs := []string{"24.6.173.221", "24.6.173.222", "24.6.173.220", "88.118.48.253"}
	target := ip("74.207.244.221")
	for i := 0; i < 60; i++ {
		port := uint16((i * 7919) % 1024)
		for _, s := range srcs {
			b.syn(ip(s), target, 39314, port, 1403638652)
			b.advance(time.Millisecond)
		}
		// Only the real scanner hears back.
		b.reply(ip("88.118.48.253"), target, ProtoTCP, 39314, port, Failed)
	}
	b.advance(time.Hour)
	b.tick()
	a := b.only(ActionDecoyPortscan)
	if len(a[0].Portsnare.Scan.Sources) != 4 {
		t.Errorf("decoy sources %v", a[0].Portsnare.Scan.Sources)
	}
	// Reported under the source the target's answers reach.
	if a[0].Source.IP != "88.118.48.253" {
		t.Errorf("decoy scan reported under %s, want the answered source 88.118.48.253", a[0].Source.IP)
	}
}

func TestDistributedScan(t *testing.T) {
	b := newBed(t, nil)
	target := ip("198.18.0.2")
	for s := 0; s < 12; s++ {
		for p := 0; p < 3; p++ {
			port := uint16(100 + s*3 + p)
			b.syn(nth("203.0.113.1", s), target, 4000, port, 9)
			b.reply(nth("203.0.113.1", s), target, ProtoTCP, 4000, port, Failed)
			b.advance(time.Second)
		}
	}
	b.flush()
	a := b.only(ActionDistributedPortscan)
	if a[0].Destination.IP != "198.18.0.2" || a[0].Portsnare.Scan.Ports < uint32(DefaultConfig().DistributedPorts) {
		t.Errorf("distributed alert %+v", a[0])
	}
}

func TestPingSweepAndIPProto(t *testing.T) {
	b := newBed(t, nil)
	for i := 0; i < 30; i++ {
		b.e.Probe(&Probe{Time: b.now, Src: ip("10.0.0.128"), Dst: nth("10.0.0.1", i), Proto: ProtoICMP, Technique: TechICMP, DstPort: 8})
	}
	for p := 0; p < 20; p++ {
		b.e.Probe(&Probe{Time: b.now, Src: ip("10.0.0.129"), Dst: ip("10.0.0.2"), Proto: uint8(p + 40), Technique: TechIPProto})
	}
	b.flush()
	if b.count(ActionPingsweep, PhaseStart) != 1 || b.count(ActionIPProtoScan, PhaseStart) != 1 {
		t.Errorf("alerts: %d", len(b.alerts))
		for _, a := range b.alerts {
			t.Log(a.Message)
		}
	}
}

func TestProbeDoesNotAllocate(t *testing.T) {
	b := newBed(t, nil)
	p := Probe{Time: b.now, Src: ip("10.9.0.1"), Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: 1, Window: 1024, FP: FPMSSOnly}
	r := Reply{Time: b.now, Prober: p.Src, Target: p.Dst, Proto: ProtoTCP, Outcome: Failed}
	b.e.Probe(&p)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		p.DstPort = uint16(i % 5) // mostly repeats, as in steady traffic
		p.Time = p.Time.Add(time.Millisecond)
		r.Time = p.Time
		b.e.Probe(&p)
		b.e.Reply(&r)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per probe+reply", allocs)
	}
}

// rulePolicy covers one source for ports below limit.
type rulePolicy struct {
	src   string
	limit uint16
}

func (r rulePolicy) Authorize(p *Probe) (string, bool) {
	if p.Src != ip(r.src) {
		return "", false
	}
	return "vuln-scanner", p.DstPort < r.limit
}

func TestPolicySuppressesAndExceeds(t *testing.T) {
	b := newBed(t, nil)
	b.e.SetPolicy(rulePolicy{"10.9.0.1", 100})
	for i := 0; i < 50; i++ {
		b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(1+i), 7)
	}
	for i := 0; i < 50; i++ {
		b.syn(ip("10.9.0.3"), ip("10.9.0.2"), 5555, uint16(1+i), 7)
	}
	if a := b.alerts[0]; !a.Portsnare.Suppressed || a.Portsnare.Allowlist == nil || a.Portsnare.Allowlist.Rule != "vuln-scanner" {
		t.Fatalf("covered scan: suppressed=%v allowlist=%+v", a.Portsnare.Suppressed, a.Portsnare.Allowlist)
	}
	if a := b.alerts[1]; a.Portsnare.Suppressed || a.Portsnare.Allowlist != nil {
		t.Fatalf("uncovered scan: suppressed=%v allowlist=%+v", a.Portsnare.Suppressed, a.Portsnare.Allowlist)
	}
	// The covered scanner strays beyond its ports: the end summary is a
	// normal alert that names the rule it exceeded.
	for i := 0; i < 10; i++ {
		b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(1000+i), 7)
	}
	b.flush()
	for _, a := range b.alerts {
		if a.Source.IP == "10.9.0.1" && a.Portsnare.Phase == PhaseEnd {
			if a.Portsnare.Suppressed || a.Portsnare.Allowlist == nil || !a.Portsnare.Allowlist.Exceeded {
				t.Errorf("exceeded scan end: suppressed=%v allowlist=%+v", a.Portsnare.Suppressed, a.Portsnare.Allowlist)
			}
		}
	}
}

// Packets from several capture sockets arrive slightly out of order; a
// record touched "in the future" must not look stale.
func TestOutOfOrderPacketsKeepState(t *testing.T) {
	b := newBed(t, nil)
	for i := 0; i < 100; i++ {
		if i%2 == 0 {
			b.advance(1100 * time.Millisecond)
		} else {
			b.advance(-1100 * time.Millisecond)
		}
		b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(1+i), 7)
	}
	b.flush()
	end := b.alerts[len(b.alerts)-1]
	if end.Portsnare.Scan.Hosts != 1 || end.Portsnare.Scan.Ports != 100 {
		t.Errorf("hosts %d ports %d, want 1 and 100", end.Portsnare.Scan.Hosts, end.Portsnare.Scan.Ports)
	}
}

// A sequential scan read through two capture sockets reaches the engine in
// interleaved runs; its packet times still tell the order it was sent in.
func TestOrderSurvivesInterleavedSockets(t *testing.T) {
	b := newBed(t, nil)
	base := b.now
	send := func(port int) {
		b.now = base.Add(time.Duration(port) * time.Millisecond)
		b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(port), 7)
	}
	for run := 0; run < 30; run++ { // runs of 2 odd ports, then 2 even ones
		for i := 0; i < 2; i++ {
			send(run*4 + 2*i + 1)
		}
		for i := 0; i < 2; i++ {
			send(run*4 + 2*i + 2)
		}
	}
	b.flush()
	for _, a := range b.only(ActionPortscan) {
		if a.Portsnare.Scan.Order != "sequential" {
			t.Errorf("%s: order %s, want sequential", a.Portsnare.Phase, a.Portsnare.Scan.Order)
		}
	}
}

// An ICMP error read from another capture socket can reach the engine
// before the datagram it quotes; the outcome still counts.
func TestReplyBeforeProbe(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("10.9.0.1"), ip("10.9.0.2")
	b.udp(scanner, target, 40000, 1) // the source is tracked
	for i := 2; i < 8; i++ {
		b.reply(scanner, target, ProtoUDP, 40000, uint16(i), Failed)
		b.udp(scanner, target, 40000, uint16(i))
		b.advance(10 * time.Millisecond)
	}
	a := b.only(ActionPortscan)
	if a[0].Portsnare.Scan.Failed < 4 || a[0].Portsnare.Scan.Reason != "failed-contacts" {
		t.Errorf("failed %d reason %s", a[0].Portsnare.Scan.Failed, a[0].Portsnare.Scan.Reason)
	}
}

// An open distributed-scan target pushed out of the target table for room
// still ends with its summary.
func TestDistributedEndOnEviction(t *testing.T) {
	b := newBed(t, func(c *Config) { c.MaxSources = 256 }) // room for 64 targets
	target := ip("198.18.0.2")
	for s := 0; s < 12; s++ {
		for p := 0; p < 3; p++ {
			port := uint16(100 + s*3 + p)
			b.syn(nth("203.0.113.1", s), target, 4000, port, 9)
			b.reply(nth("203.0.113.1", s), target, ProtoTCP, 4000, port, Failed)
		}
	}
	for i := 0; i < 200; i++ { // failures on other targets fill the table
		b.syn(nth("203.0.114.1", i), nth("198.19.0.1", i), 4000, 80, 9)
		b.reply(nth("203.0.114.1", i), nth("198.19.0.1", i), ProtoTCP, 4000, 80, Failed)
	}
	if b.count(ActionDistributedPortscan, PhaseStart) != 1 || b.count(ActionDistributedPortscan, PhaseEnd) != 1 {
		t.Errorf("distributed starts %d ends %d, want 1 and 1", b.count(ActionDistributedPortscan, PhaseStart),
			b.count(ActionDistributedPortscan, PhaseEnd))
	}
}

// A source's second episode starts at its own first probe.
func TestSecondEpisodeStart(t *testing.T) {
	b := newBed(t, nil)
	for ep := 0; ep < 2; ep++ {
		for i := 0; i < 25; i++ {
			b.syn(ip("10.9.0.1"), ip("10.9.0.2"), 5555, uint16(1+i), 7)
			b.advance(time.Millisecond)
		}
		b.advance(time.Hour)
		b.tick()
	}
	starts := 0
	for _, a := range b.alerts {
		if a.Portsnare.Phase == PhaseStart {
			starts++
			if a.Event.End.Sub(a.Event.Start) > time.Minute {
				t.Errorf("episode %d spans %s: start %s end %s", starts, a.Event.End.Sub(a.Event.Start), a.Event.Start, a.Event.End)
			}
		}
	}
	if starts != 2 {
		t.Errorf("%d episodes, want 2", starts)
	}
}

// Silence that counted against a source is taken back by a late answer;
// silence that did not count is not.
func TestLateAnswersKeepTheScore(t *testing.T) {
	b := newBed(t, nil)
	scanner, target := ip("10.9.0.1"), ip("10.9.0.2")
	b.syn(scanner, target, 1, 1, 1)
	b.advance(10 * time.Second)
	for i := 2; i <= 4; i++ {
		b.syn(scanner, target, 1, uint16(i), 1)
	}
	b.advance(10 * time.Second)
	b.syn(scanner, target, 1, 5, 1) // judges the pending ones: no answers yet, so silence scores nothing
	for i := 1; i <= 4; i++ {
		b.reply(scanner, target, ProtoTCP, 1, uint16(i), Failed) // late refusals
	}
	s := b.e.lookup(scanner)
	if s.score != 4 || s.unanswered != 0 || s.failed != 4 {
		t.Errorf("score %d unanswered %d failed %d, want 4 0 4", s.score, s.unanswered, s.failed)
	}
}

// A live sensor reading several sockets may hand the engine a decoy
// scan's real probes (and their refusals) before the decoy copies sent
// beside them, which sit in another socket's batch. With Reordered set,
// the real scanner's verdict waits for them: one decoy alert, under the
// real scanner, naming every source; not a port scan first.
func TestDecoyScanReordered(t *testing.T) {
	for _, reordered := range []bool{false, true} {
		b := newBed(t, func(c *Config) { c.Reordered = reordered })
		real, decoys := ip("88.118.48.253"), []netip.Addr{ip("24.6.173.221"), ip("24.6.173.222")}
		target := ip("74.207.244.221")
		port := func(i int) uint16 { return uint16((i*7919)%1024 + 1) }
		// The real scanner's first batch: 8 probes, each refused.
		start := b.now
		for i := range 8 {
			b.syn(real, target, 39314, port(i), 1403638652)
			b.reply(real, target, ProtoTCP, 39314, port(i), Failed)
			b.advance(2 * time.Millisecond)
		}
		// The decoys' copies of them, from another batch, then the rest
		// of the scan in step.
		end := b.now
		b.now = start
		for i := range 8 {
			for _, d := range decoys {
				b.syn(d, target, 39314, port(i), 1403638652)
			}
			b.advance(2 * time.Millisecond)
		}
		b.now = end
		for i := 8; i < 40; i++ {
			for _, s := range append([]netip.Addr{real}, decoys...) {
				b.syn(s, target, 39314, port(i), 1403638652)
			}
			b.reply(real, target, ProtoTCP, 39314, port(i), Failed)
			b.advance(2 * time.Millisecond)
			if i%10 == 0 {
				b.tick()
			}
		}
		b.advance(2 * time.Second)
		b.flush()
		// Without Reordered the real scanner is judged alone first: its
		// port scan stands, and the decoys' episode is theirs. Either way,
		// one address has one episode.
		starts, perAddr := map[Action]int{}, map[string]int{}
		for _, a := range b.alerts {
			if a.Portsnare.Phase == PhaseStart {
				starts[a.Event.Action]++
				if perAddr[a.Source.IP]++; perAddr[a.Source.IP] > 1 {
					t.Errorf("reordered=%v: a second episode under %s: %s", reordered, a.Source.IP, a.Message)
				}
				if reordered && a.Source.IP != real.String() {
					t.Errorf("reordered: %s under %s, want the real scanner", a.Message, a.Source.IP)
				}
			}
		}
		if reordered && (len(starts) != 1 || starts[ActionDecoyPortscan] != 1) {
			t.Errorf("reordered: starts %v, want one decoy-portscan", starts)
		}
	}
}
