package detect

import (
	"testing"
	"time"
)

// evidenceLog keeps copies of what the engine exports.
type evidenceLog struct{ got []Evidence }

func (l *evidenceLog) Evidence(ev *Evidence) { l.got = append(l.got, *ev) }

// countingSink counts without keeping: the allocation test's sink.
type countingSink struct{ n int }

func (c *countingSink) Evidence(*Evidence) { c.n++ }

// Refused first contacts are exported, successes are not, and a source
// that has been alerted on carries its episode.
func TestEvidenceExportsFailedContacts(t *testing.T) {
	log := &evidenceLog{}
	b := newBed(t, func(c *Config) { c.Evidence = log })
	scanner, target, client, web := ip("10.7.0.9"), ip("10.7.0.2"), ip("10.7.0.50"), ip("10.7.0.80")
	for i := 0; i < 3; i++ {
		b.connect(client, web, uint16(40000+i), 443, uint32(i))
		b.reply(client, web, ProtoTCP, uint16(40000+i), 443, Succeeded)
		b.advance(time.Millisecond)
	}
	if len(log.got) != 0 {
		t.Fatalf("answered contacts exported: %+v", log.got)
	}
	for i := 0; i < 3; i++ {
		b.syn(scanner, target, 50000, uint16(20+i), 9)
		b.reply(scanner, target, ProtoTCP, 50000, uint16(20+i), Failed)
		b.advance(time.Millisecond)
	}
	if len(log.got) != 3 {
		t.Fatalf("exported %d records for 3 refused contacts, want 3", len(log.got))
	}
	first := log.got[0]
	if first.Source != scanner || first.Target != target || first.Port != 20 || first.Proto != ProtoTCP ||
		first.Kind != EvidenceRefused || first.Technique != TechSYN || first.Alerted() {
		t.Errorf("first record %+v", first)
	}
	for i := 0; i < 40 && len(b.alerts) == 0; i++ {
		b.syn(scanner, target, 50000, uint16(100+i), 9)
		b.reply(scanner, target, ProtoTCP, 50000, uint16(100+i), Failed)
		b.advance(time.Millisecond)
	}
	if len(b.alerts) == 0 {
		t.Fatal("no alert for a refused scan")
	}
	b.syn(scanner, target, 50000, 999, 9)
	b.reply(scanner, target, ProtoTCP, 50000, 999, Failed)
	last := log.got[len(log.got)-1]
	if !last.Alerted() || last.Episode() != b.alerts[0].Portsnare.Episode {
		t.Errorf("record after the alert: episode %q, want %q", last.Episode(), b.alerts[0].Portsnare.Episode)
	}
	if last.Tool != "nmap" {
		t.Errorf("tool %q, want nmap", last.Tool)
	}
}

// A weighed silence and an odd probe left unanswered are evidence; an
// unanswered UDP datagram is not.
func TestEvidenceExportsSilencesThatWeigh(t *testing.T) {
	log := &evidenceLog{}
	b := newBed(t, func(c *Config) { c.Evidence = log })
	src, dst := ip("10.8.0.9"), ip("10.8.0.2")
	b.syn(src, dst, 50000, 80, 1)
	b.reply(src, dst, ProtoTCP, 50000, 80, Failed) // it gets answers: its silences weigh
	b.syn(src, dst, 50000, 81, 1)
	b.tcpFlags(src, dst, 50001, 82, TechXmas, tcpFIN|tcpPSH|tcpURG, FPNoTCPOptions)
	b.udp(src, dst, 50002, 83)
	b.advance(time.Minute)
	b.tick()
	kinds := map[uint16]EvidenceKind{}
	for _, ev := range log.got {
		kinds[ev.Port] = ev.Kind
	}
	want := map[uint16]EvidenceKind{80: EvidenceRefused, 81: EvidenceSilent, 82: EvidenceOdd}
	for p, k := range want {
		if kinds[p] != k {
			t.Errorf("port %d: kind %v, want %v", p, kinds[p], k)
		}
	}
	if _, ok := kinds[83]; ok {
		t.Errorf("an unanswered UDP datagram was exported")
	}
}

func TestEvidenceKindNames(t *testing.T) {
	for k := EvidenceRefused; k <= EvidenceOdd; k++ {
		if got, ok := ParseEvidenceKind(k.String()); !ok || got != k {
			t.Errorf("%v: parsed back as %v %v", k, got, ok)
		}
	}
	for tech := TechUnknown; tech < numTechniques; tech++ {
		if got, ok := ParseTechnique(tech.String()); !ok || got != tech {
			t.Errorf("%v: parsed back as %v %v", tech, got, ok)
		}
	}
}

// Exporting evidence adds no allocation to the packet path.
func TestEvidenceExportDoesNotAllocate(t *testing.T) {
	sink := &countingSink{}
	b := newBed(t, func(c *Config) { c.Evidence = sink })
	p := Probe{Time: b.now, Src: ip("10.9.0.1"), Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: 1, Window: 1024, FP: FPMSSOnly}
	r := Reply{Time: b.now, Prober: p.Src, Target: p.Dst, Proto: ProtoTCP, ProberPort: 1, Outcome: Failed}
	for i := 0; i < 300; i++ { // past the alert, which allocates once
		p.DstPort, r.TargetPort = uint16(i+1), uint16(i+1)
		p.Time = p.Time.Add(time.Millisecond)
		r.Time = p.Time
		b.e.Probe(&p)
		b.e.Reply(&r)
	}
	i := 300
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		p.DstPort, r.TargetPort = uint16(i%60000+1), uint16(i%60000+1)
		p.Time = p.Time.Add(time.Millisecond)
		r.Time = p.Time
		b.e.Probe(&p)
		b.e.Reply(&r)
	})
	if sink.n < 300 {
		t.Fatalf("only %d records exported", sink.n)
	}
	if allocs != 0 {
		t.Errorf("%v allocations per probe+reply with evidence exported", allocs)
	}
}
