package sensor

import (
	"testing"
	"unsafe"
)

// An event fills one cache line and a batch's events start on a line's
// boundary, so that handing one over moves one line between cores (see
// event). A field added to event, or a batch size that changes its
// allocation's alignment, fails here.
func TestEventLayout(t *testing.T) {
	if n := unsafe.Sizeof(event{}); n != 64 {
		t.Errorf("an event is %d bytes, want 64", n)
	}
	for range 8 {
		if b := new(batch); uintptr(unsafe.Pointer(&b.ev[0]))%64 != 0 {
			t.Fatalf("a batch's events start at %#x, not on a 64-byte boundary", uintptr(unsafe.Pointer(&b.ev[0])))
		}
	}
}
