package detect

import (
	"net/netip"
	"unsafe"

	"github.com/portsnare/portsnare/internal/prefetch"
)

// Prefetching: the engine's tables are read at random, a few buckets per
// packet, and once they outgrow the caches each read is a miss to memory
// (100-150 ns on a virtual machine, more than the rest of the packet's
// work). A caller that holds packets before it feeds them (the sensor's
// batches) can name the next packets to the engine a few packets ahead:
// the engine then asks the processor to fetch their buckets (a prefetch
// instruction, which neither waits nor faults), and by the time the packet
// is fed its buckets are in the cache. A prefetch changes no state: the
// buckets named are worked out from the engine's state as it stands, and
// a packet prefetched and never fed, or fed after the state moved on, only
// wastes the fetch.

// prefetcher collects the addresses one packet will read.
type prefetcher struct {
	at [24]uintptr
	n  int
}

// add names the memory from p for size bytes: the line it starts in, and
// the next when it straddles two (as a bucket of 96 bytes always does).
func (f *prefetcher) add(p unsafe.Pointer, size uintptr) {
	if f.n+2 > len(f.at) {
		return
	}
	first, last := uintptr(p), uintptr(p)+size-1
	f.at[f.n] = first
	f.n++
	if last/cacheLine != first/cacheLine {
		f.at[f.n] = last
		f.n++
	}
}

const cacheLine = 64

// prefetchStart returns the engine's prefetcher, emptied: one kept in the
// engine is not zeroed again for every packet.
func (e *Engine) prefetchStart() *prefetcher {
	e.pf.n = 0
	return &e.pf
}

func (f *prefetcher) issue() {
	if f.n > 0 {
		prefetch.Lines(&f.at[0], f.n)
	}
}

// bucket names key's bucket of tb.
func (f *prefetcher) bucket(tb *table, key uint64) {
	f.add(unsafe.Pointer(&tb.bucket(key)[0]), bucketSlots*unsafe.Sizeof(slot{}))
}

// prefetchTraffic names what a packet to dst reads before anything else: the
// mark of recent traffic to it and, while neighbour asks are recent, the
// ask for it that the traffic marks used (see noteTraffic).
func (e *Engine) prefetchTraffic(f *prefetcher, dst addrKey, ns ptime) {
	f.add(unsafe.Pointer(&e.sent[sentIndex(dst)]), unsafe.Sizeof(sentMark{}))
	if e.asking(ns) {
		f.bucket(e.tab, askKey(dst))
	}
}

// PrefetchSource fetches the record of source a, if it is in the front of
// the sources (see sourceTable): PrefetchProbe and PrefetchReply read its
// key and generation to name the buckets, so a caller that can calls this
// further ahead than those.
func (e *Engine) PrefetchSource(a netip.Addr) {
	if !a.IsValid() {
		return
	}
	// Whichever source holds the slot: its key is what the caller will read.
	if s := e.srcs.front[frontIndex(e.aggKey(keyOf(a)))]; s != nil {
		at := uintptr(unsafe.Pointer(s)) // key and gen lead the record
		prefetch.Lines(&at, 1)
	}
}

// PrefetchProbe fetches what Probe(p) will read into the cache: its source's
// contact and counter records, its lock-step tag, or, for a segment that
// may belong to a connection, the connection's record.
func (e *Engine) PrefetchProbe(p *Probe) {
	if !p.Src.IsValid() || !p.Dst.IsValid() {
		return
	}
	f := e.prefetchStart()
	src, dst := keyOf(p.Src), keyOf(p.Dst)
	e.prefetchTraffic(f, dst, ptimeOf(p.Time))
	switch p.Technique {
	case TechACK, TechMaimon, TechTCPOdd:
		// Mostly segments of connections: their connection's record is
		// read unless the segment's shape settles it first (see isProbe).
		if !stackSegment(p) || p.Technique == TechMaimon {
			f.bucket(e.tab, tcpFlowKey(src, p.SrcPort, dst, p.DstPort))
		}
		f.issue()
		return
	case TechUDP:
		f.bucket(e.tab, flowKey(dst, p.DstPort, src, p.SrcPort, ProtoUDP))
		f.bucket(e.tab, flowKey(src, p.SrcPort, dst, p.DstPort, ProtoUDP))
	}
	if familyOf(p.Proto, p.DstPort) == famNeighbour {
		f.issue()
		return
	}
	sk := e.aggKey(src)
	// Only the direct-mapped front of the sources is looked at: a source
	// not found there is either new (its lone slot is read) or cold, and
	// its lookup is left to Probe.
	if s := e.srcs.inFront(sk); s != nil {
		f.bucket(e.tab, contactKey(sk, s.gen, dst, p.Proto, p.DstPort))
		f.bucket(e.tab, hash5(kindHostPorts, sk, s.gen, dst, 0))
		f.bucket(e.tab, hash5(kindPortHosts, sk, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort)))
		if e.orphans {
			// A new contact asks the marks whether its answer came
			// first (see pickUpOrphan).
			if m := e.marks.pair(orphanKey(sk, s.gen, dst, p.Proto, p.DstPort)); m != nil {
				f.add(unsafe.Pointer(m), unsafe.Sizeof(*m))
			}
		}
		if x := s.x; x != nil {
			// A new contact is described (see describe): its technique
			// counted, the order of its hosts and ports followed.
			f.add(unsafe.Pointer(&x.tech), unsafe.Sizeof(x.tech))
			f.add(unsafe.Pointer(&x.portOrder), 2*unsafe.Sizeof(x.portOrder))
		}
	} else {
		f.add(unsafe.Pointer(e.lone.slot(sk)), unsafe.Sizeof(loneProbe{}))
	}
	if p.Technique != TechConnect {
		f.add(unsafe.Pointer(e.lockstep.tag(p)), unsafe.Sizeof(lockTag{}))
	}
	f.issue()
}

// PrefetchReply fetches what Reply(r) will read into the cache: the
// contact it answers and, for an accepted connection, its record and the
// prober's list of services found.
func (e *Engine) PrefetchReply(r *Reply) {
	if !r.Prober.IsValid() || !r.Target.IsValid() {
		return
	}
	f := e.prefetchStart()
	pk, tk := keyOf(r.Prober), keyOf(r.Target)
	e.prefetchTraffic(f, pk, ptimeOf(r.Time))
	if r.Proto == ProtoTCP && r.Outcome == Succeeded {
		f.bucket(e.tab, tcpFlowKey(pk, r.ProberPort, tk, r.TargetPort))
	}
	sk := e.trackKey(pk, familyOf(r.Proto, r.TargetPort))
	if s := e.srcs.inFront(sk); s != nil {
		f.bucket(e.tab, contactKey(sk, s.gen, tk, r.Proto, r.TargetPort))
		if x := s.x; x != nil && r.Outcome == Succeeded {
			// An accepted contact is described among the services found
			// (see markFound): the list's place and count lead the detail.
			f.add(unsafe.Pointer(x), unsafe.Offsetof(x.nFound)+1)
		}
	} else {
		f.add(unsafe.Pointer(e.lone.slot(sk)), unsafe.Sizeof(loneProbe{}))
	}
	f.issue()
}

// waitAhead is how many places behind the contact being judged a waiting
// contact's record is prefetched: contacts come due about as fast as they
// were made, so that one is judged a few packets later.
const waitAhead = 8

// prefetchWaiting fetches the bucket of w's contact, which judging it reads
// first, long after the contact left the cache.
func (e *Engine) prefetchWaiting(w *waiting) {
	f := e.prefetchStart()
	f.bucket(e.tab, w.key)
	f.issue()
}
