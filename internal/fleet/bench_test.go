package fleet

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// evidenceCorpus is the encoded evidence of three sensors, each at
// fleet.max_rate (1000 records a second) for 20 seconds of packet time,
// batched by their exporters as they would publish it: half the records
// from 60 scanners (nmap, masscan or zmap, each on a few ports of many
// hosts, seen by every sensor), half from background sources refused
// twice each.
func evidenceCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	const sensors, perSecond, seconds = 3, 1000, 20
	rng := rand.New(rand.NewPCG(7, 11))
	var bodies [][]byte
	tools := []string{"nmap", "masscan", "zmap"}
	bg := 0
	for s := range sensors {
		x := NewExporter(testConfig(), fmt.Sprintf("edge-%d", s), func(d *render.Document) { bodies = append(bodies, d.Body) }, nil)
		for i := range perSecond * seconds {
			at := t0.Add(time.Duration(i) * time.Second / perSecond)
			ev := detect.Evidence{Time: at, Proto: detect.ProtoTCP, Technique: detect.TechSYN, Kind: detect.EvidenceRefused,
				Target: netip.AddrFrom4([4]byte{198, 18, byte(rng.IntN(256)), byte(rng.IntN(256))})}
			if i%2 == 0 {
				n := rng.IntN(60)
				ev.Source = netip.AddrFrom4([4]byte{203, 0, 113, byte(n)})
				ev.Tool, ev.Port = tools[n%3], uint16(20+n+rng.IntN(3))
			} else {
				ev.Source = netip.AddrFrom4([4]byte{100, 64 + byte(s), byte(bg / 2 >> 8), byte(bg / 2)})
				ev.Port = 443
				bg++
			}
			x.Evidence(&ev)
		}
		x.Flush()
	}
	return bodies
}

// BenchmarkCorrelatorEvidence is how many evidence records a second one
// correlator takes: decoding batches and feeding them to its engine and
// campaign tracker. One op is the whole corpus (60,000 records in the
// batches the exporters wrote) into a new correlator, made and the heap
// settled off the clock. The decode sub-benchmark is the baseline, over
// the same batches: a figure as a ratio to it holds across machines
// better than alone. (Adding batches decoded beforehand is no cleaner a
// measure of Add: the 60,000 records held at once make the collector's
// work part of it.)
func BenchmarkCorrelatorEvidence(b *testing.B) {
	bodies := evidenceCorpus(b)
	var records int
	for _, body := range bodies {
		bt, err := DecodeBatch(body)
		if err != nil {
			b.Fatal(err)
		}
		records += len(bt.Records)
	}
	// run times pass over the corpus, with a new correlator each op when
	// the sub-benchmark uses one, and reports per record.
	run := func(b *testing.B, correlator bool, pass func(c *Correlator)) {
		var c *Correlator
		var mallocs uint64
		var ms runtime.MemStats
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			if correlator {
				var err error
				if c, err = NewCorrelator(DefaultCorrelateConfig(), detect.DefaultConfig(), nil, func(*detect.Alert) {}); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&ms)
			before := ms.Mallocs
			b.StartTimer()
			pass(c)
			b.StopTimer()
			runtime.ReadMemStats(&ms)
			mallocs += ms.Mallocs - before
			b.StartTimer()
		}
		n := float64(b.N) * float64(records)
		b.ReportMetric(n/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/record")
		b.ReportMetric(float64(mallocs)/n, "allocs/record")
		b.ReportMetric(float64(records)/float64(len(bodies)), "records/batch")
	}
	decode := func(body []byte) *Batch {
		bt, err := DecodeBatch(body)
		if err != nil {
			b.Fatal(err)
		}
		return bt
	}
	b.Run("decode", func(b *testing.B) {
		run(b, false, func(*Correlator) {
			for _, body := range bodies {
				decode(body)
			}
		})
	})
	b.Run("decode+add", func(b *testing.B) {
		run(b, true, func(c *Correlator) {
			for _, body := range bodies {
				c.Add(decode(body))
			}
		})
	})
}

// BenchmarkEvidenceUnderFlood feeds a sensor's exporter a spoofed flood
// at 1 GbE line rate (every packet a new source, and evidence: the worst
// case, see floodEvidence). One op is one second of packet time, 1.49 M
// packets; evidence-B/s is what the sensor publishes per second of it,
// shed/s what it sheds. Both follow fleet.max_rate, not the flood:
// records/s is max_rate.
func BenchmarkEvidenceUnderFlood(b *testing.B) {
	for _, maxRate := range []int{1000, 10_000} {
		b.Run(fmt.Sprintf("max_rate=%d", maxRate), func(b *testing.B) {
			cfg := testConfig()
			cfg.MaxRate = maxRate
			out := &floodCounter{}
			x := NewExporter(cfg, "edge-1", out.publish, nil)
			var ev detect.Evidence
			i := 0
			second := func() {
				for range lineRate {
					floodEvidence(&ev, i, t0.Add(time.Duration(i)*time.Second/lineRate))
					x.Evidence(&ev)
					i++
				}
			}
			second() // the bucket starts with a second's worth: not the steady state
			x.Flush()
			*out = floodCounter{}
			before := x.Stats()
			b.ReportAllocs()
			for b.Loop() {
				second()
			}
			x.Flush() // after the loop: not timed
			st := x.Stats()
			secs := float64(b.N)
			b.ReportMetric(float64(out.bytes)/secs, "evidence-B/s")
			b.ReportMetric(float64(st.Records-before.Records)/secs, "records/s")
			b.ReportMetric(float64(st.Shed-before.Shed)/secs, "shed/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(secs*lineRate), "ns/packet")
		})
	}
}
