package sensor

import (
	"testing"
	"unsafe"
)

// An event fills one cache line and newBatches' batches start on a line's
// boundary, so that handing an event over moves one line between cores
// (see event). A field added to event fails here.
func TestEventLayout(t *testing.T) {
	if n := unsafe.Sizeof(event{}); n != cacheLine {
		t.Errorf("an event is %d bytes, want %d", n, cacheLine)
	}
	if n := unsafe.Sizeof(batch{}); n%cacheLine != 0 {
		t.Errorf("a batch is %d bytes, not a whole number of lines", n)
	}
	for n := range 5 {
		bs := newBatches(n + 1)
		for i := range bs {
			if at := uintptr(unsafe.Pointer(&bs[i].ev[0])); at%cacheLine != 0 {
				t.Fatalf("batch %d of %d: its events start at %#x, not on a line's boundary", i, n+1, at)
			}
		}
	}
	b := newBatch()
	b.ev[batchEvents-1].dport = 1 // the whole batch is usable memory
	if at := uintptr(unsafe.Pointer(&b.ev[0])); at%cacheLine != 0 {
		t.Fatalf("newBatch's events start at %#x", at)
	}
}
