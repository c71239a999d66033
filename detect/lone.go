package detect

import "net/netip"

// A source seen once costs a first-contact slot, no more. Most sources
// that appear once never appear again — a spoofed SYN flood is millions
// of them, and so are stray packets on any busy link — and a record in the
// LRU of sources (and a contact awaiting its answer) for each would let a
// flood push real scanners' state out, and slow the engine down with the
// churn. So a source's first ordinary probe is kept in the lone table: a
// fixed, direct-mapped array of compact probes. Its answer, if one comes,
// is kept with it. A second, different contact from the same source makes
// it a source like any other: the kept probe is fed first, at its own
// packet time, with its answer, then the new one — the engine ends up
// where it would have been had it tracked the source from the start,
// short of the lone probe's retransmissions. A slot taken by another lone
// source forgets the first: a source that is not back within the slot's
// lifetime was no burst, and a slow scanner's next probe starts again.
//
// Only ordinary openings are kept so: SYNs, UDP datagrams, pings, SCTP
// INITs without marks. A probe that is evidence on its own (odd flags, an
// OS-detection mark, fragments, a dark port or a decoy, a neighbour ask)
// makes its source tracked at once.

// loneTable holds the first probe of sources seen once.
type loneTable struct {
	slots []loneProbe
	mask  uint64
}

// loneProbe is a compact copy of a Probe, with the outcome seen for it.
type loneProbe struct {
	src, dst     addrKey // src is the probe's own address (aggregation applies to the index)
	at           ptime
	seq          uint32
	sport, dport uint16
	window, ipid uint16
	fp           Fingerprint
	proto        uint8
	tech         Technique
	flags, ttl   uint8
	out          Outcome
	used         bool
	repeats      uint16 // the same probe again, and of them ...
	retried      uint16 // ... identical SYNs: the stack retransmitting
}

func newLoneTable(size int) *loneTable {
	return &loneTable{slots: make([]loneProbe, size), mask: uint64(size - 1)}
}

// loneSlotsFor sizes the lone table: a sixteenth of the first-contact
// table, a power of two.
func loneSlotsFor(contactSlots int) int {
	n := 1024
	for n < contactSlots/16 {
		n <<= 1
	}
	return n
}

// slot returns the slot of the (aggregated) source key k.
func (lt *loneTable) slot(k addrKey) *loneProbe {
	return &lt.slots[((k.hi^k.lo)*0x9e3779b97f4a7c15>>32)&lt.mask]
}

// loneEligible reports whether p, the first probe of a source not
// tracked, may wait in the lone table.
func (e *Engine) loneEligible(p *Probe, fam family) bool {
	switch p.Technique {
	case TechSYN, TechConnect, TechUDP, TechICMP, TechSCTPInit:
	default:
		return false
	}
	if fam != famPort && fam != famPing || p.FP&(FPNmapOS|FPFragmented) != 0 || oddProbe(p) {
		return false
	}
	return !(e.dark.any && e.dark.touches(p))
}

// keepLone keeps p, from the source with aggregated key sk, which is not
// tracked. It reports false when the source has a different first contact
// kept already: it is then to be tracked.
func (e *Engine) keepLone(p *Probe, sk addrKey, src, dst addrKey, ns ptime) bool {
	l := e.lone.slot(sk)
	if l.used && e.aggKey(l.src) == sk {
		if l.dst == dst && l.dport == p.DstPort && l.proto == p.Proto {
			// The same contact again, counted as a tracked source's
			// repeats are (see repeat).
			l.repeats = min(l.repeats+1, 1<<16-1)
			if (p.Technique == TechSYN || p.Technique == TechConnect) && l.sport == p.SrcPort && l.seq == p.Seq {
				l.retried = min(l.retried+1, 1<<16-1)
			}
			return true
		}
		return false
	}
	*l = loneProbe{src: src, dst: dst, at: ns, seq: p.Seq, sport: p.SrcPort, dport: p.DstPort,
		window: p.Window, ipid: p.IPID, fp: p.FP, proto: p.Proto, tech: p.Technique,
		flags: p.Flags, ttl: p.TTL, used: true}
	e.loneKept++
	if p.Technique != TechConnect {
		// Decoys' forged copies may come from sources seen once: the
		// lock-step table remembers the probe (see lockstepTable).
		e.lockstep.observe(e, nil, p, ns)
	}
	return true
}

// loneAnswer records answer a for a kept lone probe, reporting whether it
// was one. A refusal counts towards the target's distributed scan at once.
func (e *Engine) loneAnswer(a *answer, pk addrKey) bool {
	l := e.lone.slot(pk)
	if !l.holds(a.pk, a.tk, a.proto, a.targetPort) {
		return false
	}
	if e.pathRefusal(a, uint32(l.ttl)) {
		e.matched++
		return true // a path probe's refusal: nothing to keep (see path.go)
	}
	if l.out == 0 {
		l.out = a.out
		e.matched++
		if a.out == Failed && familyOf(a.proto, a.targetPort) == famPort {
			e.tgts.failed(e, a.prober, nil, a)
		}
	}
	return true
}

// holds reports whether l keeps the probe of src to dst's proto/port.
func (l *loneProbe) holds(src, dst addrKey, proto uint8, port uint16) bool {
	return l.used && l.src == src && l.dst == dst && l.proto == proto && l.dport == port
}

// adoptLone feeds s, a source just created at packet time ns, its kept
// lone probe, if it has one: at its own packet time, with the answer it
// got. One older than the idle timeout belongs to no episode of s's.
func (e *Engine) adoptLone(s *source, ns ptime) {
	l := e.lone.slot(s.key)
	if !l.used || e.aggKey(l.src) != s.key {
		return
	}
	lp := *l
	*l = loneProbe{}
	if ns.sub(lp.at) > e.cfg.IdleTimeout {
		return
	}
	e.loneAdopted++
	p := Probe{Time: lp.at.time(), Src: addrOfKey(lp.src), Dst: addrOfKey(lp.dst), Proto: lp.proto,
		Technique: lp.tech, SrcPort: lp.sport, DstPort: lp.dport, Seq: lp.seq, Window: lp.window,
		Flags: lp.flags, TTL: lp.ttl, IPID: lp.ipid, FP: lp.fp}
	fam := familyOf(p.Proto, p.DstPort)
	now := e.secs(lp.at)
	e.countProbe(s, &p, lp.at)
	s.probes += uint64(lp.repeats)
	s.retried += uint32(lp.retried)
	c, isNew := e.tab.upsert(contactKey(s.key, s.gen, lp.dst, p.Proto, p.DstPort), now, s.prio())
	if !isNew {
		return
	}
	ref := contactRef{dst: lp.dst, port: p.DstPort, proto: p.Proto, fam: fam, tech: p.Technique}
	e.newContact(s, c, &p, ref, lp.at, now)
	if lp.out != 0 {
		e.transition(s, c, ref, eventOf(lp.out), now)
	}
}

// addrOfKey is the address of key k (without zone: captures carry none).
func addrOfKey(k addrKey) netip.Addr {
	if k.hi == 0 && k.lo>>32 == 0xffff {
		return netip.AddrFrom4([4]byte{byte(k.lo >> 24), byte(k.lo >> 16), byte(k.lo >> 8), byte(k.lo)})
	}
	var b [16]byte
	for i := range 8 {
		b[i] = byte(k.hi >> (56 - 8*i))
		b[8+i] = byte(k.lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}
