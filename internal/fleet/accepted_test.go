package fleet

import (
	"net/netip"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// contact is one connection of src to dst:port, accepted or refused.
func (s *fleetSensor) contact(at time.Time, src, dst netip.Addr, sport, port uint16, accepted bool) {
	s.eng.Probe(&detect.Probe{Time: at, Src: src, Dst: dst, Proto: detect.ProtoTCP, Technique: detect.TechSYN,
		SrcPort: sport, DstPort: port, Seq: uint32(sport) << 8, Window: 64240, TTL: 64, FP: detect.FPFullOptions | detect.FPDontFragment})
	out := detect.Failed
	if accepted {
		out = detect.Succeeded
	}
	s.eng.Reply(&detect.Reply{Time: at.Add(time.Millisecond), Prober: src, Target: dst, Proto: detect.ProtoTCP,
		ProberPort: sport, TargetPort: port, Outcome: out, AnswersProbe: true})
}

// A LAN client fans out to port 443 of many hosts behind three sensors,
// and a few of them are gone. Each sensor sees its share, mostly
// accepted, and says nothing. Merged, the failures alone are a sweep of
// port 443; with the accepted contacts beside them, they are what they
// are: a client's few stale peers. The accepted records are what keeps
// the fleet quiet, so the same evidence without them must alert.
func TestAcceptedEvidenceKeepsBusyClientQuiet(t *testing.T) {
	client := netip.MustParseAddr("10.20.0.7")
	var docs []*render.Document
	for i, name := range []string{"edge-a", "edge-b", "edge-c"} {
		s := newFleetSensor(t, name, func(d *render.Document) { docs = append(docs, d) })
		for h := range 8 {
			dst := netip.AddrFrom4([4]byte{10, 20, byte(1 + i), byte(10 + h)})
			at := t0.Add(time.Duration(i*8+h) * 500 * time.Millisecond)
			s.contact(at, client, dst, uint16(40000+i*8+h), 443, h >= 3)
		}
		s.finish(t0.Add(time.Minute))
		if len(s.alerts) != 0 {
			t.Fatalf("sensor %s alerted alone: %s", name, s.alerts[0].Message)
		}
	}
	accepted := 0
	for _, b := range (&collect{docs: docs}).batches(t) {
		for _, r := range b.Records {
			if r.Kind == "accepted" {
				accepted++
			}
		}
	}
	_, alerts := correlateDocs(t, docs, nil)
	if accepted != 15 {
		t.Errorf("%d accepted records, want 15 (5 per sensor)", accepted)
	}
	for _, a := range alerts {
		t.Errorf("fleet alert on a busy client: %s", a.Message)
	}
	if _, failuresOnly := correlateDocs(t, docs, func(r *Record) bool { return r.Kind != "accepted" }); len(failuresOnly) == 0 {
		t.Error("the failures alone raise no fleet alert either: the test shows nothing about accepted evidence")
	}
}

// Accepted contacts by the thousand (a busy server's clients) take at most
// a quarter of max_rate: the failures among them still get through.
func TestAcceptedEvidenceLeavesRoomForFailures(t *testing.T) {
	out := &collect{}
	cfg := testConfig()
	cfg.MaxRate = 100
	x := NewExporter(cfg, "s", out.publish, nil)
	const secs = 4
	var failures int
	for i := range 20000 {
		at := t0.Add(time.Duration(i) * secs * time.Second / 20000)
		ev := refused(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}).String(), "198.18.1.1", 443, at)
		ev.Kind = detect.EvidenceAccepted
		if i%400 == 0 { // 50 failures among them, 12.5 a second
			ev.Kind = detect.EvidenceRefused
			failures++
		}
		x.Evidence(ev)
	}
	x.Flush()
	kinds := map[string]int{}
	for _, b := range out.batches(t) {
		for _, r := range b.Records {
			kinds[r.Kind]++
		}
	}
	if kinds["refused"] != failures {
		t.Errorf("%d of %d failures published beside the accepted flood", kinds["refused"], failures)
	}
	if most := acceptedRate(cfg.MaxRate) * (secs + 1); kinds["accepted"] > most || kinds["accepted"] == 0 {
		t.Errorf("%d accepted records in %d s, want 1 to %d", kinds["accepted"], secs, most)
	}
	if st := x.Stats(); st.Records+st.Shed != 20000 {
		t.Errorf("published %d + shed %d != 20000", st.Records, st.Shed)
	}
}
