package detect

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkProbe is the steady state: probes and replies for contacts that
// are mostly known, as in ordinary traffic.
func BenchmarkProbe(b *testing.B) {
	cfg := DefaultConfig()
	e, _ := New(cfg, nil)
	p := Probe{Time: t0, Src: ip("10.9.0.1"), Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: 1, Window: 1024, FP: FPMSSOnly}
	r := Reply{Time: t0, Prober: p.Src, Target: p.Dst, Proto: ProtoTCP, Outcome: Failed}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.DstPort = uint16(i % 64)
		p.Time = p.Time.Add(time.Microsecond)
		r.Time, r.TargetPort = p.Time, p.DstPort
		e.Probe(&p)
		e.Reply(&r)
	}
}

// BenchmarkProbeManySources spreads probes over 100,000 tracked sources,
// each making two contacts in turn.
func BenchmarkProbeManySources(b *testing.B) {
	e, _ := New(DefaultConfig(), nil)
	p := Probe{Time: t0, Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechConnect, SrcPort: 1, FP: FPFullOptions}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Src = nth("10.64.0.0", i%100_000)
		p.DstPort = 443 + uint16(i/100_000%2)
		p.Seq = uint32(i)
		p.Time = p.Time.Add(time.Microsecond)
		e.Probe(&p)
	}
}

// BenchmarkProbeFlood is a spoofed flood: every probe from a source never
// seen before.
func BenchmarkProbeFlood(b *testing.B) {
	e, _ := New(DefaultConfig(), nil)
	p := Probe{Time: t0, Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: 1, DstPort: 80, Window: 512}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Src = nth("100.64.0.0", i%(1<<22))
		p.Seq = uint32(i)
		p.Time = p.Time.Add(time.Microsecond)
		e.Probe(&p)
	}
}

// BenchmarkSourceMemory reports the heap cost of a tracked source at 1M
// sources (the fixed-size tables are allocated up front and not included):
// sources of two contacts, as most are, and sources of ten, which carry
// the detail their alerts would describe (see detail.go).
func BenchmarkSourceMemory(b *testing.B) {
	const n = 1_000_000
	for _, contacts := range []int{2, 10} {
		b.Run(fmt.Sprintf("contacts=%d", contacts), func(b *testing.B) {
			var perSource float64
			for b.Loop() {
				cfg := DefaultConfig()
				cfg.MaxSources = 2 * n
				e, _ := New(cfg, nil)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				p := Probe{Time: t0, Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: 1, Window: 1024, FP: FPMSSOnly}
				for i := 0; i < n; i++ {
					p.Src = nth("10.64.0.0", i)
					p.Seq = uint32(i) // sources in lock-step would be decoys
					for c := range contacts {
						p.DstPort = 80 + uint16(c)
						e.Probe(&p)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				if st := e.Stats(); st.Sources != n {
					b.Fatalf("%d sources tracked, want %d", st.Sources, n)
				}
				perSource = float64(after.HeapAlloc-before.HeapAlloc) / n
				runtime.KeepAlive(e)
			}
			b.ReportMetric(perSource, "bytes/source")
		})
	}
}

// BenchmarkVerticalRefusals is one source probing every port of one host,
// each probe refused: the target's record of failed ports (see targets.go)
// grows to its bound, and each refusal must still cost the same. One op is
// a probe and its refusal.
func BenchmarkVerticalRefusals(b *testing.B) {
	e, _ := New(DefaultConfig(), func(*Alert) {})
	p := Probe{Time: t0, Src: ip("10.9.0.1"), Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: 40000, Window: 1024, FP: FPMSSOnly}
	r := Reply{Time: t0, Prober: p.Src, Target: p.Dst, Proto: ProtoTCP, ProberPort: 40000, Outcome: Failed, AnswersProbe: true}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.DstPort = uint16(1 + i%65535)
		p.Time = p.Time.Add(time.Microsecond)
		r.Time, r.TargetPort = p.Time, p.DstPort
		e.Probe(&p)
		e.Reply(&r)
	}
}
