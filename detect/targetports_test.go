package detect

import "testing"

// The index finds every port the list holds, through its growth, at the
// list's bound and after ports leave the list; a port is never listed
// twice.
func TestTargetPortIndex(t *testing.T) {
	var tg target
	for port := range maxTargetPorts + 500 {
		tg.addPort(ProtoTCP, uint16(port), 0)
	}
	if len(tg.ports) != maxTargetPorts {
		t.Fatalf("%d ports listed, want the bound %d", len(tg.ports), maxTargetPorts)
	}
	// Contributor 1 fails on the same ports, and on UDP ones of the same
	// numbers, which are other ports.
	for port := range 100 {
		tg.addPort(ProtoTCP, uint16(port), 1)
	}
	for j, p := range tg.ports {
		want := uint64(1)
		if p.port < 100 {
			want = 3
		}
		if p.by != want {
			t.Fatalf("port %d (#%d) failed for %b, want %b", p.port, j, p.by, want)
		}
	}
	// Ports leave the list (as when a contributor's place is reused).
	kept := tg.ports[:0]
	for _, p := range tg.ports {
		if p.port%2 == 0 {
			kept = append(kept, p)
		}
	}
	tg.ports = kept
	tg.reindex(len(tg.index))
	for port := range 200 {
		tg.addPort(ProtoUDP, uint16(port), 2)
		tg.addPort(ProtoTCP, uint16(port), 2)
	}
	seen := map[uint32]bool{}
	for _, p := range tg.ports {
		k := uint32(p.proto)<<16 | uint32(p.port)
		if seen[k] {
			t.Fatalf("%d/%d listed twice", p.proto, p.port)
		}
		seen[k] = true
		if p.port < 200 && p.by&4 == 0 {
			t.Errorf("%d/%d lost contributor 2's failure", p.proto, p.port)
		}
	}
	if want := maxTargetPorts/2 + 200 + 100; len(tg.ports) != want {
		t.Errorf("%d ports listed, want %d", len(tg.ports), want)
	}
	if 2*len(tg.ports) > len(tg.index) {
		t.Errorf("index of %d for %d ports: more than half full", len(tg.index), len(tg.ports))
	}
}

// Ports whose index entries carry the same tag are told apart by the list:
// a tag is only a hint.
func TestTargetPortTagCollision(t *testing.T) {
	first := map[uint32]uint16{}
	var a, b uint16
	found := false
	for port := range 1 << 16 {
		tag := portTag(ProtoTCP, uint16(port))
		if q, ok := first[tag]; ok {
			a, b, found = q, uint16(port), true
			break
		}
		first[tag] = uint16(port)
	}
	if !found {
		t.Fatal("no two TCP ports share a tag; the test needs a pair that does")
	}
	var tg target
	tg.addPort(ProtoTCP, a, 0)
	tg.addPort(ProtoTCP, b, 1)
	tg.addPort(ProtoTCP, b, 2)
	if len(tg.ports) != 2 {
		t.Fatalf("ports %d and %d (one tag) listed as %+v, want two entries", a, b, tg.ports)
	}
	if tg.ports[0].port != a || tg.ports[0].by != 1 || tg.ports[1].port != b || tg.ports[1].by != 6 {
		t.Fatalf("ports %d and %d (one tag) listed as %+v", a, b, tg.ports)
	}
}
