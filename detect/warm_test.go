package detect

import (
	"net/netip"
	"testing"
	"time"
)

// A WarmSet never holds more than warmMax buckets, however many packets
// are noted, and Load empties it.
func TestWarmSetBounded(t *testing.T) {
	e, err := New(DefaultConfig(), func(*Alert) {})
	if err != nil {
		t.Fatal(err)
	}
	src := netip.MustParseAddr("198.18.0.9")
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 { // a tracked source: its contacts are noted too
		e.Probe(&Probe{Time: at, Src: src, Dst: netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), Proto: ProtoTCP,
			Technique: TechSYN, SrcPort: 40000, DstPort: 80, Seq: 1})
	}
	var w WarmSet
	for i := range 100 {
		e.WarmProbe(&w, &Probe{Time: at, Src: src, Dst: netip.AddrFrom4([4]byte{10, 0, 1, byte(i)}), Proto: ProtoTCP,
			Technique: TechSYN, SrcPort: 40000, DstPort: uint16(i), Seq: 1})
		e.WarmReply(&w, &Reply{Time: at, Prober: src, Target: netip.AddrFrom4([4]byte{10, 0, 1, byte(i)}), Proto: ProtoTCP,
			TargetPort: uint16(i), Outcome: Failed})
		if w.n > warmMax {
			t.Fatalf("%d buckets noted, at most %d", w.n, warmMax)
		}
	}
	if !w.Full() {
		t.Error("a set noted for 100 packets is not full")
	}
	w.Load()
	if w.n != 0 || w.Full() {
		t.Errorf("after Load the set holds %d", w.n)
	}
}
