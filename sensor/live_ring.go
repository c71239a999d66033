//go:build linux

package sensor

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/google/gopacket/afpacket"
	"golang.org/x/sys/unix"
)

// ringPeek tells, from the ring's memory, that a capture socket has nothing
// more to read, so that the capture goroutine does not ask afpacket.
//
// Asking afpacket for a packet when the ring is empty costs a poll(2) of
// zero timeout, and any system call made through the runtime's syscall
// entry wakes the runtime's monitor (sysmon) if it had gone to sleep
// because every processor was idle; woken by a system call, the monitor
// polls every 20 µs for the next millisecond or more. A live sensor goes
// idle between ring blocks and wakes at each, so every block cost a burst
// of monitor wake-ups and context switches, which on a virtual machine
// cost more CPU than decoding. Reading the block headers instead costs two
// loads.
//
// A TPACKET_V3 ring is numBlocks blocks of blockSize bytes, handed over
// whole and in order: each starts with a descriptor whose status says whose
// it is (TP_STATUS_USER: retired by the kernel, ours to read) and, once
// retired, how many packets it holds. afpacket reads the blocks in ring
// order and releases a block when it is asked for a packet after the
// block's last one. So the peek follows which block the last packet came
// from and how many packets of it were read: when they are all read and
// the next block is still the kernel's, a read would only poll. While the
// ring is drained, the block just read stays unreleased (afpacket releases
// it at the next read): the kernel fills the next block meanwhile, and the
// wait ends when that one is handed over.
type ringPeek struct {
	base   unsafe.Pointer // the ring's first byte (memory mapped from the kernel)
	block  uintptr        // bytes per block
	blocks int
	cur    int    // the block of the last packet read; -1 before any
	read   uint32 // packets read from it
}

// Offsets in struct tpacket_block_desc (linux/if_packet.h): version and
// offset_to_priv, then tpacket_hdr_v1's block_status and num_pkts.
const (
	blockStatusOff = 8
	blockPktsOff   = 12
)

// newRingPeek finds tp's ring through afpacket's unexported field (pinned
// by TestTPacketHasRing) and checks it against the geometry the socket was
// opened with.
func newRingPeek(tp *afpacket.TPacket, blockSize, blocks int) (*ringPeek, error) {
	v := reflect.ValueOf(tp).Elem().FieldByName("ring")
	if !v.IsValid() || v.Kind() != reflect.Slice {
		return nil, errors.New("capture: this afpacket version keeps no ring field 'ring'")
	}
	if blockSize <= 0 || blocks <= 0 || v.Len() != blockSize*blocks {
		return nil, fmt.Errorf("capture: the ring is %d bytes, not %d blocks of %d", v.Len(), blocks, blockSize)
	}
	return &ringPeek{base: v.UnsafePointer(), block: uintptr(blockSize), blocks: blocks, cur: -1}, nil
}

// saw notes a packet afpacket returned: data points into the ring.
func (r *ringPeek) saw(data []byte) {
	off := uintptr(unsafe.Pointer(unsafe.SliceData(data))) - uintptr(r.base)
	if off >= r.block*uintptr(r.blocks) {
		// Not in the ring: follow nothing until the next packet that is.
		r.cur = -1
		return
	}
	if k := int(off / r.block); k != r.cur {
		r.cur, r.read = k, 0
	}
	r.read++
}

// drained reports whether every packet of the block being read has been
// read and the next block is still the kernel's.
func (r *ringPeek) drained() bool {
	if r.cur < 0 || r.read < r.word(r.cur, blockPktsOff) {
		return false
	}
	return !r.nextReady()
}

// nextReady reports whether the block after the one being read has been
// handed over. The kernel writes a block's packets and count before its
// status, so a status seen handed over comes with them.
func (r *ringPeek) nextReady() bool {
	return r.word((r.cur+1)%r.blocks, blockStatusOff)&unix.TP_STATUS_USER != 0
}

// forget drops what the peek knew: afpacket went somewhere it did not
// follow (an empty block skipped, an error), and the next read is asked of
// afpacket.
func (r *ringPeek) forget() { r.cur = -1 }

func (r *ringPeek) word(block int, off uintptr) uint32 {
	return atomic.LoadUint32((*uint32)(unsafe.Add(r.base, uintptr(block)*r.block+off)))
}
