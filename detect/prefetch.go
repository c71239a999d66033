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

// bucketRef is the memory of key's bucket.
func (tb *table) bucketRef(key uint64) unsafe.Pointer {
	return unsafe.Pointer(&tb.slots[(key&tb.mask)*bucketSlots])
}

const bucketBytes = bucketSlots * unsafe.Sizeof(slot{})

// PrefetchSource fetches the record of source a, if it is in the front of
// the sources (see sourceTable): PrefetchProbe and PrefetchReply read its
// key and generation to name the buckets, so a caller that can calls this
// further ahead than those.
func (e *Engine) PrefetchSource(a netip.Addr) {
	if !a.IsValid() {
		return
	}
	if s := e.srcs.front[frontIndex(e.aggKey(keyOf(a)))]; s != nil {
		at := uintptr(unsafe.Pointer(s)) // key and gen lead the record
		prefetch.Lines(&at, 1)
	}
}

// PrefetchProbe fetches what Probe(p) will read into the cache: its source's
// contact and counter records, its lock-step slot, or, for a segment that
// may belong to a connection, the connection's record.
func (e *Engine) PrefetchProbe(p *Probe) {
	if !p.Src.IsValid() || !p.Dst.IsValid() {
		return
	}
	f := e.prefetchStart()
	src, dst := keyOf(p.Src), keyOf(p.Dst)
	f.add(unsafe.Pointer(&e.sent[sentIndex(dst)]), unsafe.Sizeof(sentMark{}))
	if e.asking(ptimeOf(p.Time)) {
		// While neighbour asks are recent, traffic to dst marks the ask
		// for it used (see noteTraffic).
		f.add(e.tab.bucketRef(askKey(dst)), bucketBytes)
	}
	switch p.Technique {
	case TechACK, TechMaimon, TechTCPOdd:
		// Mostly segments of connections: their connection's record is
		// read unless the segment's shape settles it first (see isProbe).
		midFlow := p.Technique != TechTCPOdd || p.Flags&tcpACK != 0
		if p.FP&(FPNoTCPOptions|FPNmapOS) != 0 || !midFlow || p.Technique == TechMaimon {
			f.add(e.tab.bucketRef(tcpFlowKey(src, p.SrcPort, dst, p.DstPort)), bucketBytes)
		}
		f.issue()
		return
	case TechUDP:
		f.add(e.tab.bucketRef(flowKey(dst, p.DstPort, src, p.SrcPort, ProtoUDP)), bucketBytes)
		f.add(e.tab.bucketRef(flowKey(src, p.SrcPort, dst, p.DstPort, ProtoUDP)), bucketBytes)
	}
	if familyOf(p.Proto, p.DstPort) == famNeighbour {
		f.issue()
		return
	}
	sk := e.aggKey(src)
	// Only the direct-mapped front of the sources is looked at: a source
	// not found there is either new (its lone slot is read) or cold, and
	// its lookup is left to Probe.
	if s := e.srcs.front[frontIndex(sk)]; s != nil && s.key == sk {
		f.add(e.tab.bucketRef(contactKey(sk, s.gen, dst, p.Proto, p.DstPort)), bucketBytes)
		f.add(e.tab.bucketRef(hash5(kindHostPorts, sk, s.gen, dst, 0)), bucketBytes)
		f.add(e.tab.bucketRef(hash5(kindPortHosts, sk, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort))), bucketBytes)
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
		f.add(unsafe.Pointer(e.lockstep.slot(p)), unsafe.Sizeof(lockSlot{}))
	}
	f.issue()
}

// PrefetchReply fetches what Reply(r) will read into the cache: the
// contact it answers and, for an accepted connection, its record.
func (e *Engine) PrefetchReply(r *Reply) {
	if !r.Prober.IsValid() || !r.Target.IsValid() {
		return
	}
	f := e.prefetchStart()
	pk, tk := keyOf(r.Prober), keyOf(r.Target)
	f.add(unsafe.Pointer(&e.sent[sentIndex(pk)]), unsafe.Sizeof(sentMark{}))
	if e.asking(ptimeOf(r.Time)) {
		f.add(e.tab.bucketRef(askKey(pk)), bucketBytes)
	}
	if r.Proto == ProtoTCP && r.Outcome == Succeeded {
		f.add(e.tab.bucketRef(tcpFlowKey(pk, r.ProberPort, tk, r.TargetPort)), bucketBytes)
	}
	sk := pk
	if familyOf(r.Proto, r.TargetPort) != famNeighbour {
		sk = e.aggKey(pk)
	}
	if s := e.srcs.front[frontIndex(sk)]; s != nil && s.key == sk {
		f.add(e.tab.bucketRef(contactKey(sk, s.gen, tk, r.Proto, r.TargetPort)), bucketBytes)
	} else {
		f.add(unsafe.Pointer(e.lone.slot(sk)), unsafe.Sizeof(loneProbe{}))
	}
	f.issue()
}
