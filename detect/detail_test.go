package detect

import (
	"testing"
	"unsafe"
)

// TestSourceRecordSize keeps the per-source record within the 256-byte
// allocation class: a byte more costs a sensor 32 bytes per source.
func TestSourceRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(source{}); n > 256 {
		t.Fatalf("source is %d bytes, more than 256", n)
	}
}

// TestDetailReplaysNotes: a source that gains its detail at its third
// contact describes its first two as if the detail had been there from
// the start.
func TestDetailReplaysNotes(t *testing.T) {
	b := newBed(t, nil)
	src := ip("203.0.113.9")
	for i, port := range []uint16{22, 23} {
		b.syn(src, nth("192.0.2.1", i), 40000, port, 1)
	}
	s := b.e.lookup(src)
	if s == nil || s.x != nil || s.npend != 2 {
		t.Fatalf("two contacts: detail %v, %d notes", s != nil && s.x != nil, s.npend)
	}
	b.syn(src, nth("192.0.2.1", 2), 40000, 25, 1)
	x := s.x
	if x == nil || s.npend != 0 {
		t.Fatal("no detail at the third contact")
	}
	if x.nHosts != 3 || addrOfKey(x.hostsSample[0]) != ip("192.0.2.1") || x.nPorts != 3 || x.portsSample[1] != 23 ||
		x.tech[TechSYN] != 3 || x.hostOrder.steps != 2 || x.hostOrder.up != 2 {
		t.Fatalf("detail after three contacts: %+v", x)
	}
}
