//go:build linux

package sensor

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/gopacket/afpacket"
	"golang.org/x/sys/unix"
)

// TestTPacketHasRing: the capture reads block headers through afpacket's
// unexported ring field; an afpacket upgrade that renames it fails here
// rather than at a sensor's start.
func TestTPacketHasRing(t *testing.T) {
	f, ok := reflect.TypeFor[afpacket.TPacket]().FieldByName("ring")
	if !ok || f.Type != reflect.TypeFor[[]byte]() {
		t.Fatalf("afpacket.TPacket has no []byte field ring (%v)", f.Type)
	}
	// An unopened TPacket has no ring: the geometry check names both sizes.
	_, err := newRingPeek(&afpacket.TPacket{}, 4096, 2)
	if err == nil || !strings.Contains(err.Error(), "0 bytes, not 2 blocks of 4096") {
		t.Fatalf("newRingPeek on no ring: %v", err)
	}
}

// fakeRing lays out blocks as the kernel does: a descriptor at each block's
// start, whose status and packet count the test sets.
type fakeRing struct {
	mem   []byte
	block int
}

func newFakeRing(blocks, block int) *fakeRing {
	return &fakeRing{mem: make([]byte, blocks*block), block: block}
}

func (f *fakeRing) hand(k int, pkts uint32) {
	binary.NativeEndian.PutUint32(f.mem[k*f.block+blockPktsOff:], pkts)
	binary.NativeEndian.PutUint32(f.mem[k*f.block+blockStatusOff:], unix.TP_STATUS_USER)
}

func (f *fakeRing) release(k int) {
	binary.NativeEndian.PutUint32(f.mem[k*f.block+blockStatusOff:], unix.TP_STATUS_KERNEL)
}

// packet is a packet's data at offset off of block k.
func (f *fakeRing) packet(k, off int) []byte { return f.mem[k*f.block+off : k*f.block+off+60] }

func (f *fakeRing) peek() *ringPeek {
	return &ringPeek{base: unsafe.Pointer(&f.mem[0]), block: uintptr(f.block), blocks: len(f.mem) / f.block, cur: -1}
}

// TestRingPeek: the ring is drained exactly when every packet of the block
// being read has been seen and the next block is still the kernel's,
// across the ring's wrap; a packet outside the ring, or none yet, leaves
// the peek knowing nothing, so that afpacket is asked.
func TestRingPeek(t *testing.T) {
	f := newFakeRing(3, 4096)
	r := f.peek()
	if r.drained() {
		t.Fatal("drained before any packet was read")
	}
	f.hand(0, 3)
	for i := range 3 {
		if r.drained() {
			t.Fatalf("drained after %d of block 0's 3 packets", i)
		}
		r.saw(f.packet(0, 48+64*i))
	}
	if !r.drained() {
		t.Fatal("not drained after block 0's 3 packets with block 1 the kernel's")
	}
	f.hand(1, 1)
	if r.drained() || !r.nextReady() {
		t.Fatal("drained with block 1 handed over")
	}
	r.saw(f.packet(1, 48))
	f.release(0)
	if r.cur != 1 || r.read != 1 {
		t.Fatalf("following block %d, %d read; want block 1, 1 read", r.cur, r.read)
	}
	if !r.drained() {
		t.Fatal("not drained after block 1's packet")
	}
	// The last block's next is the first.
	f.hand(2, 2)
	r.saw(f.packet(2, 48))
	r.saw(f.packet(2, 112))
	if !r.drained() {
		t.Fatal("not drained at the end of the last block with block 0 the kernel's")
	}
	f.hand(0, 5)
	if r.drained() {
		t.Fatal("drained with block 0 handed over again after the wrap")
	}
	// A packet outside the ring: the peek forgets.
	r.saw(make([]byte, 60))
	if r.cur != -1 || r.drained() {
		t.Fatalf("a packet outside the ring left the peek on block %d", r.cur)
	}
	r.saw(f.packet(0, 48))
	r.forget()
	if r.drained() {
		t.Fatal("drained after forget")
	}
}
