package sensor

import (
	"math/bits"
	"net/netip"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// IP fragment reassembly, bounded: a scanner that fragments its probes
// (nmap -f, --mtu 8 splits even the TCP header into 8-byte pieces) must be
// judged by the probe it sends, while a flood of fragments must cost no more
// than a fixed table. So each Decoder owns a fixed number of slots, each
// keeping only the first fragPrefix bytes of its datagram's upper-layer data
// — what decoding reads: a TCP header with options, a UDP, SCTP or ICMP
// header, an ICMP error's quote — and no goroutine or timer: entries expire
// by packet time, checked as fragments arrive.
const (
	// fragSlots is how many datagrams a Decoder reassembles at once. A
	// fragmenting scanner sends one probe's fragments back to back, and
	// ordinary fragmented traffic completes within milliseconds; what
	// lingers is datagrams that lost a fragment, which expire or give way.
	fragSlots = 64
	// fragPrefix is how much of each datagram is kept: the longest TCP
	// header (60 bytes) and an ICMPv4 error quoting a header with options
	// and 8 bytes of its payload (8+60+8) fit, with room for IPv6 extension
	// headers. It is a multiple of 8, the unit of fragment offsets, with
	// one bit of fragEntry.have per 8-byte block.
	fragPrefix = 128
	fragBlocks = fragPrefix / 8
	// fragTimeout is how long a datagram's fragments are awaited, counted
	// from the first one seen, as Linux's ipfrag_time does.
	fragTimeout = 30 * time.Second
	// maxDatagram bounds where a fragment may end: the IP length fields
	// cannot describe a longer datagram (the "ping of death" overflows it).
	maxDatagram = 65535
)

// fragKey identifies a datagram's fragments (RFC 791, RFC 8200): addresses,
// identification and protocol (for IPv6, the fragment header's next header).
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
}

// fragState is a slot's state.
type fragState uint8

const (
	fragFree fragState = iota
	fragOpen           // collecting fragments
	fragDone           // decoded; later fragments of the datagram are ignored
)

// fragment is one fragment as the IP layer describes it.
type fragment struct {
	key  fragKey
	off  int    // where data starts in the datagram, in bytes
	size int    // the data length the IP header declares
	more bool   // more fragments follow (not the last)
	data []byte // the data captured: size bytes, or fewer when the capture cut it
	ttl  uint8
	fp   detect.Fingerprint // the IP layer's marks (DF)
}

// fragEntry is one datagram being reassembled.
type fragEntry struct {
	key   fragKey
	start int64 // packet time of its first fragment seen, Unix nanoseconds
	state fragState
	// have marks the 8-byte blocks of buf filled so far.
	have uint16
	// total is the datagram's upper-layer length, known from its last
	// fragment (-1 before); end is how far any fragment reached.
	total, end int32
	// cutAt is where the capture cut a fragment off inside the prefix (-1
	// if it did not): the bytes from there to the next block boundary are
	// lost, so the start may be complete short of a block.
	cutAt int32
	// ttl and fp are the first fragment's (offset 0), as a stack
	// reassembling the datagram keeps its first fragment's header.
	ttl uint8
	fp  detect.Fingerprint
	buf [fragPrefix]byte
}

// fragTable is a Decoder's reassembly table.
type fragTable struct {
	slots [fragSlots]fragEntry
}

// add files a fragment received at packet time now. When the fragment
// completes what decoding needs of its datagram it returns the entry, once
// per datagram; otherwise nil. Expired and evicted datagrams are counted in
// st.
//
// Overlapping data: the first copy of a byte wins. Targets disagree (Linux
// drops an IPv4 or IPv6 datagram with overlaps, as RFC 5722 asks for IPv6;
// older stacks keep the first or the last copy depending on position), so
// no choice matches every target; first-wins matches what the Decoder does after a datagram is
// decoded, when later fragments can no longer change the probe, so the
// result does not depend on whether an overlap arrives before or after the
// prefix is complete, and a stream of rewrites cannot churn the buffer.
func (t *fragTable) add(f *fragment, now int64, st *DecodeStats) *fragEntry {
	e := t.lookup(f.key, now, st)
	if e.state == fragDone {
		return nil
	}
	end := f.off + f.size
	if !f.more && e.total < 0 && end >= int(e.end) {
		// The first last fragment fixes the length; a later one, or one
		// ending short of data already seen, contradicts it and is not
		// believed (first wins, as for data).
		e.total = int32(end)
	}
	if e.total >= 0 {
		end = min(end, int(e.total))
	}
	e.end = max(e.end, int32(end))
	e.fill(f, end)

	need := fragPrefix
	if e.total >= 0 {
		need = min(need, int(e.total))
	}
	if n, cut := e.prefix(); n < need && !cut {
		return nil
	}
	e.state = fragDone
	st.Reassembled++
	return e
}

// lookup returns the entry for key, starting one if there is none: in a
// free or expired slot, or else in the slot that gives way — a decoded
// datagram before one still collecting, the oldest first. It expires every
// entry older than fragTimeout on the way.
func (t *fragTable) lookup(key fragKey, now int64, st *DecodeStats) *fragEntry {
	var free, victim *fragEntry
	for i := range t.slots {
		s := &t.slots[i]
		if s.state != fragFree && now-s.start > int64(fragTimeout) {
			if s.state == fragOpen {
				st.ReassemblyTimeouts++
			}
			s.state = fragFree
		}
		switch {
		case s.state == fragFree:
			if free == nil {
				free = s
			}
		case s.key == key:
			return s
		case victim == nil || s.givesWayTo(victim):
			victim = s
		}
	}
	e := free
	if e == nil {
		e = victim
		if e.state == fragOpen {
			st.ReassemblyEvictions++
		}
	}
	*e = fragEntry{key: key, start: now, state: fragOpen, total: -1, cutAt: -1}
	return e
}

// givesWayTo reports whether e should be evicted before o.
func (e *fragEntry) givesWayTo(o *fragEntry) bool {
	if e.state != o.state {
		return e.state == fragDone
	}
	return e.start < o.start
}

// fill copies the blocks of the prefix that f holds and no earlier fragment
// filled. end is where f's data ends in the datagram, cut to the datagram's
// length when known. A block counts only when complete: 8 bytes, or fewer
// only where the datagram ends. Where the capture cut f short, the bytes it
// kept of the block are copied and the cut recorded.
func (e *fragEntry) fill(f *fragment, end int) {
	captured := min(end, f.off+len(f.data))
	for b := f.off / 8; b < fragBlocks; b++ {
		lo := b * 8
		hi := min(lo+8, end)
		if hi <= lo {
			return
		}
		bit := uint16(1) << b
		if hi > captured {
			// The first cut wins too, unless one falls in an earlier
			// block: the start is complete up to the earliest cut.
			if e.have&bit == 0 && captured >= lo && (e.cutAt < 0 || captured < int(e.cutAt)&^7) {
				e.copyBlock(f, b, lo, captured)
				e.cutAt = int32(captured)
			}
			return
		}
		if hi < lo+8 && int32(hi) != e.total {
			return
		}
		if e.have&bit != 0 {
			continue
		}
		// Bytes an earlier cut fragment left in the block stay.
		from := lo
		if c := int(e.cutAt); c > lo && c < lo+8 {
			from = c
		}
		e.copyBlock(f, b, from, hi)
		e.have |= bit
	}
}

// copyBlock copies f's bytes [lo, hi) of the datagram, in block b, into the
// buffer; the first block's fragment also gives the header fields.
func (e *fragEntry) copyBlock(f *fragment, b, lo, hi int) {
	copy(e.buf[lo:hi], f.data[lo-f.off:hi-f.off])
	if b == 0 && lo == 0 {
		e.ttl, e.fp = f.ttl, f.fp
	}
}

// prefix is how many bytes from the datagram's start are filled without a
// gap, and whether a capture cut ends them: no fragment will fill the rest,
// so decoding goes ahead with what there is, as with a packet the snap
// length cut.
func (e *fragEntry) prefix() (n int, cut bool) {
	n = bits.TrailingZeros16(^e.have) * 8
	if e.total >= 0 && n >= int(e.total) {
		return int(e.total), false
	}
	if int(e.cutAt) >= n && int(e.cutAt) < n+8 {
		return int(e.cutAt), true
	}
	return n, false
}

// datagram returns the reassembled start of the datagram, the upper-layer
// length to report (the whole datagram's, or as far as fragments reached
// when the last one is still missing), and whether the datagram continues
// past what is kept.
func (e *fragEntry) datagram() (data []byte, claimed int, partial bool) {
	n, cut := e.prefix()
	partial = cut || e.total < 0 || int(e.total) > n
	return e.buf[:n], int(e.end), partial
}
