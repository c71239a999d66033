package detect

import "net/netip"

// lockstepTable finds decoy scans (nmap -D): several sources sending the same
// probe — same target, port, source port and sequence number — within a
// moment of each other. Only one real scanner hides among spoofed copies, so
// one alert names them all.
//
// Every first contact but a connect() is looked up here, and almost none is
// sent in lock-step. So each slot has a small tag, which alone holds a
// probe sent by one source (its time, part of its key and, for IPv4, the
// sender): the tags of a whole table fit in a processor's cache, where the
// slots, which list the senders, do not. A slot is written only once a
// second sender matches its tag, or when the first sender's IPv6 address
// does not fit the tag.
type lockstepTable struct {
	tags  []lockTag
	slots []lockSlot
	mask  uint64
}

// lockTag is the front of a slot: the probe it last saw, and whether the
// slot behind it lists that probe's senders.
type lockTag struct {
	t ptime
	// key is the upper half of the lock key, its lowest bit replaced by
	// lockSpilled: the slot holds the senders. Two keys with the same
	// upper half in the same slot within the decoy window are taken for
	// one (1 in 2^31 for a slot in use).
	key uint32
	src [4]byte // the first sender, IPv4, until the slot is written
}

const lockSpilled = 1

type lockSlot struct {
	key  uint64
	t    ptime
	n    uint8
	srcs [4]netip.Addr
}

func newLockstepTable(size int) *lockstepTable {
	return &lockstepTable{tags: make([]lockTag, size), slots: make([]lockSlot, size), mask: uint64(size - 1)}
}

// observe records a first contact and pairs its source with any other source
// that sent the identical probe within the decoy window. s is nil for a
// source seen once (see lone.go): the table remembers it all the same.
func (l *lockstepTable) observe(e *Engine, s *source, p *Probe, ns ptime) {
	k := lockKey(p)
	i, tk := k&l.mask, uint32(k>>32)&^lockSpilled
	tg := &l.tags[i]
	if tg.key&^lockSpilled != tk || ns.sub(tg.t) > e.cfg.DecoyWindow || ns < tg.t {
		// A probe no other source sent within the window: the tag
		// remembers it, and the slot only when the tag cannot.
		*tg = lockTag{t: ns, key: tk}
		if p.Src.Is4() {
			tg.src = p.Src.As4()
			return
		}
		tg.key |= lockSpilled
		l.slots[i] = lockSlot{key: k, t: ns, n: 1}
		l.slots[i].srcs[0] = p.Src
		return
	}
	sl := &l.slots[i]
	if tg.key&lockSpilled == 0 {
		// The second sender: the slot takes the first from the tag.
		tg.key |= lockSpilled
		*sl = lockSlot{key: k, t: tg.t, n: 1}
		sl.srcs[0] = netip.AddrFrom4(tg.src)
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

// tag is p's tag, which every lock-step look-up reads first.
func (l *lockstepTable) tag(p *Probe) *lockTag { return &l.tags[lockKey(p)&l.mask] }

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
