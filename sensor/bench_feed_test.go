package sensor

import (
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// BenchmarkFeed feeds the engine the events of a masscan-like scan (one
// source, SYNs to random ports of random hosts of a /24, each refused at
// once) in the pipeline's batches: "prefetch" through feed, which has the
// engine prefetch each event's buckets a few events ahead, and "plain"
// through a loop that hands the same events over one by one, the baseline
// in the same run. Every probe is a new contact, so the tables are read
// where the caches have nothing: the case prefetching is for. One op is
// one event.
func BenchmarkFeed(b *testing.B) {
	const events = 1 << 20
	batches := masscanBatches(events)
	for _, mode := range []string{"plain", "prefetch"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			var eng *detect.Engine
			i := 0
			for b.Loop() {
				if i%len(batches) == 0 {
					// Each pass over the events starts a fresh engine: the
					// same probes again would be contacts made before.
					b.StopTimer()
					var err error
					if eng, err = detect.New(detect.DefaultConfig(), func(*detect.Alert) {}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				feedAgain(&batches[i%len(batches)], eng, mode)
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*batchEvents), "ns/event")
		})
	}
}

// feedAgain feeds b to e, through feed ("prefetch") or one event at a time
// without prefetching ("plain"), and leaves b's events in place for the
// next pass.
func feedAgain(b *batch, e *detect.Engine, mode string) {
	if mode == "prefetch" {
		n := b.n
		b.feed(e)
		b.n = n
		return
	}
	var c call
	for i := range b.n {
		c.unpack(&b.ev[i])
		c.run(e)
	}
}

// masscanBatches builds the scan's events, batchEvents to a batch.
func masscanBatches(events int) []batch {
	r := rand.New(rand.NewPCG(1, 2))
	scanner := netip.MustParseAddr("198.18.0.9")
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bs := newBatches(events / batchEvents)
	for i := range bs {
		bt := &bs[i]
		for j := 0; j < batchEvents-1; j += 2 {
			at = at.Add(4 * time.Microsecond)
			dst := netip.AddrFrom4([4]byte{10, 9, 0, byte(r.IntN(256))})
			port := uint16(1 + r.IntN(65535))
			bt.ev[j].at = at.UnixNano()
			bt.ev[j].setProbe(&detect.Probe{Time: at, Src: scanner, Dst: dst, Proto: detect.ProtoTCP,
				Technique: detect.TechSYN, SrcPort: 61000, DstPort: port, Seq: r.Uint32(), Window: 1024, TTL: 255, Flags: 0x02})
			bt.ev[j+1].at = at.Add(time.Microsecond).UnixNano()
			bt.ev[j+1].setReply(&detect.Reply{Time: at.Add(time.Microsecond), Prober: scanner, Target: dst,
				Proto: detect.ProtoTCP, ProberPort: 61000, TargetPort: port, Outcome: detect.Failed, AnswersProbe: true})
		}
		// The packet clock's tick, as the pipeline sends them.
		bt.ev[batchEvents-1] = event{kind: evTick, at: at.UnixNano()}
		bt.n = batchEvents
	}
	return bs
}

// BenchmarkFeedReplay is BenchmarkFeed on ordinary traffic: the first
// million packets of BenchmarkReplay's capture, decoded once into batches
// beforehand, so that only the engine's side of a replay is timed, plain
// and prefetching. One op is one event.
func BenchmarkFeedReplay(b *testing.B) {
	path, _ := bigCapture(b)
	batches := decodedBatches(b, path, 1_000_000)
	events := 0
	for i := range batches {
		events += batches[i].n
	}
	for _, mode := range []string{"plain", "prefetch"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer() // a fresh engine for each pass, made off the clock
				eng, err := detect.New(detect.DefaultConfig(), func(*detect.Alert) {})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.StartTimer()
				for i := range batches {
					feedAgain(&batches[i], eng, mode)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
		})
	}
}

// decodedBatches decodes the first packets of the capture at path into
// batches, as the replay's reading goroutine would hand them over.
func decodedBatches(b *testing.B, path string, packets int) []batch {
	c, err := openCapture(path)
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	// Decoding one packet fills a batch at most once, and may start the
	// next: two batches free and room for two full ones each time.
	free := make(chan *batch, 2)
	out := make(chan *batch, 2)
	bt := &batcher{free: free, out: out}
	var bs []batch
	take := func() {
		for {
			select {
			case full := <-out:
				bs = append(bs, *full)
			default:
				return
			}
		}
	}
	d := NewDecoder(bt)
	for range packets {
		for len(free) < cap(free) {
			free <- newBatch()
		}
		data, ts, link, err := c.src.next()
		if err != nil {
			break
		}
		d.Decode(link, ts, data)
		take()
	}
	bt.flush()
	take()
	aligned := newBatches(len(bs))
	copy(aligned, bs)
	return aligned
}
