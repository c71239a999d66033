package sensor

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// scaleHeadroom is detect.max_sources over the sources tracked.
var scaleHeadroom = 2

// BenchmarkScaleSources sizes a sensor: the engine with 10k, 100k and 1M
// tracked sources, each of two contacts (most sources make few). It reports
// the heap each source takes (after a GC, fixed tables excluded) and the
// engine's probe rate with that many sources active, the probes spread over
// all of them in turn, so that the larger tables are read from memory and
// not from cache. x-10k is the probe rate over the 10k case's, measured in
// the same run. detect.max_sources and detect.contact_table_size are raised
// to fit (defaults 200k and 1M); the contact table's 24 bytes a slot are not
// in bytes/source.
func BenchmarkScaleSources(b *testing.B) {
	var base float64
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("sources=%d", n), func(b *testing.B) {
			cfg := detect.DefaultConfig()
			cfg.MaxSources = scaleHeadroom * n
			// Four first-contact slots per source, so that a source's
			// contacts are remembered rather than made anew: the default
			// 1M slots hold only half of 1M sources' two contacts each.
			for cfg.ContactTableSize < 4*n {
				cfg.ContactTableSize *= 2
			}
			e, err := detect.New(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			p := detect.Probe{Time: at, Dst: netip.MustParseAddr("198.18.0.2"), Proto: detect.ProtoTCP,
				Technique: detect.TechConnect, SrcPort: 40000, FP: detect.FPFullOptions}
			src := func(i int) netip.Addr {
				return netip.AddrFrom4([4]byte{10, byte(64 + i>>16), byte(i >> 8), byte(i)})
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range n {
				p.Src, p.Seq = src(i), uint32(i) // sources in lock-step would be decoys
				for c := range 2 {
					p.DstPort = 443 + uint16(c)
					p.Time = p.Time.Add(time.Microsecond)
					e.Probe(&p)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			if st := e.Stats(); st.Sources != n {
				b.Fatalf("%d sources tracked, want %d", st.Sources, n)
			}
			perSource := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				p.Src, p.DstPort, p.Seq = src(i%n), 443+uint16(i/n%2), uint32(i)
				p.Time = p.Time.Add(time.Microsecond)
				e.Probe(&p)
			}
			b.ReportMetric(perSource, "bytes/source")
			rate := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "probes/s")
			if n == 10_000 {
				base = rate
			}
			if base > 0 {
				b.ReportMetric(rate/base, "x-10k")
			}
			runtime.KeepAlive(e)
		})
	}
}
