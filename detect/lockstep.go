package detect

import "net/netip"

// lockstepTable finds decoy scans (nmap -D): several sources sending the same
// probe — same target, port, source port and sequence number — within a
// moment of each other. Only one real scanner hides among spoofed copies, so
// one alert names them all.
type lockstepTable struct {
	slots []lockSlot
	mask  uint64
}

type lockSlot struct {
	key  uint64
	t    ptime
	n    uint8
	srcs [4]netip.Addr
}

func newLockstepTable(size int) *lockstepTable {
	return &lockstepTable{slots: make([]lockSlot, size), mask: uint64(size - 1)}
}

// observe records a first contact and pairs its source with any other source
// that sent the identical probe within the decoy window. s is nil for a
// source seen once (see lone.go): the slot remembers it all the same.
func (l *lockstepTable) observe(e *Engine, s *source, p *Probe, ns ptime) {
	k := lockKey(p)
	sl := &l.slots[k&l.mask]
	if sl.key != k || ns.sub(sl.t) > e.cfg.DecoyWindow || ns < sl.t {
		*sl = lockSlot{key: k, t: ns, n: 1}
		sl.srcs[0] = p.Src
		return
	}
	for i := 0; i < int(sl.n); i++ {
		if sl.srcs[i] == p.Src {
			return
		}
	}
	for i := 0; i < int(sl.n); i++ {
		if s != nil {
			s.more().addPartner(sl.srcs[i])
		}
		if o := e.lookup(sl.srcs[i]); o != nil {
			o.more().addPartner(p.Src)
		}
	}
	if int(sl.n) < len(sl.srcs) {
		sl.srcs[sl.n] = p.Src
		sl.n++
	}
}

// lockKey identifies a probe sent in lock-step: target, port, source port
// and sequence number, whatever its source.
func lockKey(p *Probe) uint64 {
	return hash5(kindLock, keyOf(p.Dst), uint64(p.Proto)<<16|uint64(p.DstPort), addrKey{}, uint64(p.SrcPort)<<32|uint64(p.Seq))
}

// slot is p's slot.
func (l *lockstepTable) slot(p *Probe) *lockSlot { return &l.slots[lockKey(p)&l.mask] }

// decoyMembers returns the sources in lock-step with s often enough to be
// its decoys, and folds them into s's episode.
func (e *Engine) decoyMembers(s *source) []netip.Addr {
	var m []netip.Addr
	if s.x == nil {
		return nil
	}
	for i := range s.x.partners {
		pt := &s.x.partners[i]
		if pt.n < uint32(e.cfg.DecoyMinProbes) {
			continue
		}
		m = append(m, pt.addr)
	}
	if len(m)+1 < e.cfg.DecoyMinSources {
		return nil
	}
	for _, a := range m {
		if o := e.lookup(a); o != nil {
			o.more().leader = s.address()
			if o.x.ep.holdUntil != 0 {
				o.x.ep.holdUntil = 0
				delete(e.held, o.key)
			}
		}
	}
	return m
}

// lockSlotsFor sizes the lock-step table: decoy copies arrive within
// milliseconds of each other, so it needs far fewer slots than contacts.
func lockSlotsFor(contactSlots int) int {
	n := 1024
	for n < contactSlots/32 {
		n <<= 1
	}
	return n
}
