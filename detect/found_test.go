package detect

import (
	"slices"
	"testing"
)

// TestFoundListsOpenServices: an alert lists what its scan found open —
// SYN-ACKs among the first two contacts (before the source has its detail)
// and later ones alike — and a decoy's handshake is no finding.
func TestFoundListsOpenServices(t *testing.T) {
	b := newBed(t, nil)
	src, dst := ip("203.0.113.9"), ip("192.0.2.1")
	answer := func(port uint16, o Outcome) {
		b.e.Reply(&Reply{Time: b.now, Prober: src, Target: dst, Proto: ProtoTCP, ProberPort: 40000,
			TargetPort: port, Outcome: o, AnswersProbe: true})
	}
	for i, port := range []uint16{22, 23, 80, 2323, 443, 3389, 8080, 21, 25, 110} {
		b.syn(src, dst, 40000, port, uint32(i))
		switch port {
		case 22, 443, 2323:
			answer(port, Succeeded)
		default:
			answer(port, Failed)
		}
	}
	// The decoy on 2323 accepted the handshake: a touch, not a service.
	b.e.Touch(&Touch{Time: b.now, Src: src, Dst: dst, SrcPort: 40000, DstPort: 2323, Proto: ProtoTCP, Handshake: true})
	b.e.Flush(b.now)
	var end *Alert
	for _, a := range b.alerts {
		if a.Event.Action == ActionPortscan && a.Portsnare.Phase == PhaseEnd {
			end = a
		}
	}
	if end == nil {
		t.Fatalf("no portscan end alert in %d alerts", len(b.alerts))
	}
	f := end.Portsnare.Scan.Found
	if f == nil || f.Services != 2 || !slices.Equal(f.Sample, []string{"192.0.2.1:22/tcp", "192.0.2.1:443/tcp"}) {
		t.Fatalf("found %+v", f)
	}
}
