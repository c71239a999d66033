package detect

import (
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// Prefetching changes no state: an engine asked to prefetch every packet
// a few packets ahead raises the same alerts, and counts the same, as one
// that is not, over a stream of scans, connections, datagrams, answers and
// a spoofed flood.
func TestPrefetchChangesNothing(t *testing.T) {
	stream := mixedStream(20_000)
	run := func(prefetch bool) ([]byte, Stats) {
		var alerts []*Alert
		cfg := DefaultConfig()
		cfg.ContactTableSize = 1 << 14 // small, so that buckets overflow and records give way
		e, err := New(cfg, func(a *Alert) { alerts = append(alerts, a) })
		if err != nil {
			t.Fatal(err)
		}
		const ahead = 8
		for i := range stream {
			if j := i + ahead; prefetch && j < len(stream) {
				if p := stream[j].probe; p != nil {
					e.PrefetchProbe(p)
				} else {
					e.PrefetchReply(stream[j].reply)
				}
			}
			if p := stream[i].probe; p != nil {
				e.Probe(p)
			} else {
				e.Reply(stream[i].reply)
			}
		}
		e.Flush(stream[len(stream)-1].at().Add(time.Hour))
		doc, err := json.Marshal(alerts)
		if err != nil {
			t.Fatal(err)
		}
		return doc, e.Stats()
	}
	plain, plainStats := run(false)
	warm, warmStats := run(true)
	if plainStats.Probes == 0 || len(plain) < 100 {
		t.Fatalf("the stream raised too little to compare: %d probes, %d bytes of alerts", plainStats.Probes, len(plain))
	}
	if string(plain) != string(warm) {
		t.Error("alerts differ with prefetching")
	}
	if !reflect.DeepEqual(plainStats, warmStats) {
		t.Errorf("counters differ with prefetching:\n%+v\n%+v", plainStats, warmStats)
	}
}

// A packet names at most as many addresses as the prefetcher holds, and
// invalid packets are ignored.
func TestPrefetcherBounded(t *testing.T) {
	var f prefetcher
	var x [64]byte
	for range 100 {
		f.add(unsafe.Pointer(&x[0]), 64)
	}
	if f.n < len(f.at)-1 || f.n > len(f.at) {
		t.Errorf("%d addresses named, want the %d it holds", f.n, len(f.at))
	}
	e, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.PrefetchProbe(&Probe{})
	e.PrefetchReply(&Reply{})
}

// streamItem is a probe or a reply.
type streamItem struct {
	probe *Probe
	reply *Reply
}

func (s streamItem) at() time.Time {
	if s.probe != nil {
		return s.probe.Time
	}
	return s.reply.Time
}

// mixedStream is n packets: a vertical and a horizontal scan answered by
// refusals, clients' connections with their ACKs, UDP exchanges, neighbour
// asks, and one-packet spoofed sources.
func mixedStream(n int) []streamItem {
	r := rand.New(rand.NewPCG(7, 11))
	at := t0
	out := make([]streamItem, 0, n)
	scanner, sweeper := ip("198.18.0.9"), ip("198.18.0.10")
	for len(out) < n {
		at = at.Add(time.Duration(50+r.IntN(500)) * time.Microsecond)
		switch k := r.IntN(10); {
		case k < 2:
			dst, port := ip("10.1.0.5"), uint16(1+r.IntN(2000))
			out = append(out, streamItem{probe: &Probe{Time: at, Src: scanner, Dst: dst, Proto: ProtoTCP, Technique: TechSYN,
				SrcPort: 40000, DstPort: port, Seq: r.Uint32(), Window: 1024, TTL: 48, FP: FPMSSOnly}})
			out = append(out, streamItem{reply: &Reply{Time: at.Add(time.Millisecond), Prober: scanner, Target: dst, Proto: ProtoTCP,
				ProberPort: 40000, TargetPort: port, Outcome: Failed, AnswersProbe: true}})
		case k < 3:
			dst := nth("10.2.0.0", r.IntN(1000))
			out = append(out, streamItem{probe: &Probe{Time: at, Src: sweeper, Dst: dst, Proto: ProtoTCP, Technique: TechSYN,
				SrcPort: 40001, DstPort: 445, Seq: r.Uint32(), Window: 1024, TTL: 48, FP: FPMSSOnly}})
		case k < 6:
			cl, sv := nth("10.3.0.0", r.IntN(50)), nth("10.4.0.0", r.IntN(20))
			sport := uint16(49152 + r.IntN(16000))
			out = append(out,
				streamItem{probe: &Probe{Time: at, Src: cl, Dst: sv, Proto: ProtoTCP, Technique: TechConnect,
					SrcPort: sport, DstPort: 443, Seq: r.Uint32(), Window: 64240, TTL: 64, FP: FPFullOptions}},
				streamItem{reply: &Reply{Time: at.Add(time.Millisecond), Prober: cl, Target: sv, Proto: ProtoTCP,
					ProberPort: sport, TargetPort: 443, Outcome: Succeeded, AnswersProbe: true}},
				streamItem{probe: &Probe{Time: at.Add(2 * time.Millisecond), Src: cl, Dst: sv, Proto: ProtoTCP, Technique: TechACK,
					SrcPort: sport, DstPort: 443, Flags: tcpACK, Window: 512, TTL: 64, FP: FPNoTCPOptions}})
		case k < 7:
			cl, sv := nth("10.5.0.0", r.IntN(30)), ip("10.6.0.53")
			sport := uint16(30000 + r.IntN(30000))
			out = append(out,
				streamItem{probe: &Probe{Time: at, Src: cl, Dst: sv, Proto: ProtoUDP, Technique: TechUDP, SrcPort: sport, DstPort: 53, TTL: 64}},
				streamItem{probe: &Probe{Time: at.Add(time.Millisecond), Src: sv, Dst: cl, Proto: ProtoUDP, Technique: TechUDP, SrcPort: 53, DstPort: sport, TTL: 64}})
		case k < 8:
			out = append(out, streamItem{probe: &Probe{Time: at, Src: ip("10.7.0.1"), Dst: nth("10.7.0.0", 2+r.IntN(200)),
				Proto: ProtoARP, Technique: TechARP, DstPort: ARPPort}})
		default:
			out = append(out, streamItem{probe: &Probe{Time: at, Src: netip.AddrFrom4([4]byte{100, byte(64 + r.IntN(64)), byte(r.IntN(256)), byte(r.IntN(256))}),
				Dst: ip("10.8.0.1"), Proto: ProtoTCP, Technique: TechSYN, SrcPort: uint16(r.Uint32()), DstPort: 80, Seq: r.Uint32(), Window: 512, TTL: 250}})
		}
	}
	return out
}
