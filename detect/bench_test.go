package detect

import (
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

// BenchmarkProbeManySources spreads probes over 100,000 sources.
func BenchmarkProbeManySources(b *testing.B) {
	e, _ := New(DefaultConfig(), nil)
	p := Probe{Time: t0, Dst: ip("10.9.0.2"), Proto: ProtoTCP, Technique: TechConnect, SrcPort: 1, DstPort: 443, FP: FPFullOptions}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Src = nth("10.64.0.0", i%100_000)
		p.Time = p.Time.Add(time.Microsecond)
		e.Probe(&p)
	}
}

// BenchmarkSourceMemory reports the heap cost of one tracked source (the
// fixed-size contact table is allocated up front and not included).
func BenchmarkSourceMemory(b *testing.B) {
	const n = 100_000
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
			p.DstPort = 80
			e.Probe(&p)
			p.DstPort = 81 // a second contact moves it out of probation
			e.Probe(&p)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perSource = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(e)
	}
	b.ReportMetric(perSource, "bytes/source")
}
