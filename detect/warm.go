package detect

// Warming: the engine's tables are read at random, one bucket per packet
// and table, and each read is a cache miss once they outgrow the caches.
// Taken one packet at a time those misses come one after another. A
// caller holding a batch (the sensor's pipeline) can instead note the
// buckets of a run of packets in a WarmSet, load them all at once, with
// nothing between the loads, so that the processor fetches them in
// parallel, and then process the packets from the cache. Noting and
// loading change no state: a packet warmed and never processed, or warmed
// twice, is harmless.

// warmMax bounds a WarmSet: four buckets a packet, for runs of up to
// sixteen packets.
const warmMax = 64

// WarmSet holds the addresses of the buckets a run of packets will read.
type WarmSet struct {
	at [warmMax]*uint64
	n  int
}

// Full reports whether the set has no room for another packet.
func (w *WarmSet) Full() bool { return w.n > warmMax-4 }

func (w *WarmSet) add(p *uint64) {
	if w.n < warmMax {
		w.at[w.n] = p
		w.n++
	}
}

// Load reads every noted bucket and empties the set. The loads are
// independent of each other, so they are in flight together.
func (w *WarmSet) Load() uint64 {
	var sink uint64
	for _, p := range w.at[:w.n] {
		sink ^= *p
	}
	clear(w.at[:w.n])
	w.n = 0
	return sink
}

// WarmProbe notes the buckets Probe(p) will read: its contact, its
// source's port counter, an answer that came first, its lock-step slot.
func (e *Engine) WarmProbe(w *WarmSet, p *Probe) {
	if !p.Src.IsValid() || !p.Dst.IsValid() {
		return
	}
	src, dst := keyOf(p.Src), keyOf(p.Dst)
	if familyOf(p.Proto, p.DstPort) != famNeighbour {
		if s := e.srcs.peekKey(e.aggKey(src)); s != nil {
			w.add(e.tab.head(contactKey(s.key, s.gen, dst, p.Proto, p.DstPort)))
			w.add(e.tab.head(hash5(kindPortHosts, s.key, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort))))
			if e.orphans { // an answer may have come first (see pickUpOrphan)
				w.add(e.tab.head(orphanKey(s.key, s.gen, dst, p.Proto, p.DstPort)))
			}
		}
	}
	k := hash5(kindLock, dst, uint64(p.Proto)<<16|uint64(p.DstPort), addrKey{}, uint64(p.SrcPort)<<32|uint64(p.Seq))
	w.add(&e.lockstep.slots[k&e.lockstep.mask].key)
}

// WarmReply notes the bucket of the contact r answers.
func (e *Engine) WarmReply(w *WarmSet, r *Reply) {
	if !r.Prober.IsValid() || !r.Target.IsValid() {
		return
	}
	if s := e.srcs.peekKey(e.aggKey(keyOf(r.Prober))); s != nil {
		w.add(e.tab.head(contactKey(s.key, s.gen, keyOf(r.Target), r.Proto, r.TargetPort)))
	}
}

// head is the first word of key's bucket.
func (tb *table) head(key uint64) *uint64 {
	return &tb.slots[(key&tb.mask)*bucketSlots].key
}
