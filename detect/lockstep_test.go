package detect

import (
	"net/netip"
	"testing"
	"time"
	"unsafe"
)

// TestLockTagSize: four tags share a cache line, which is what keeps a
// table's tags in the processor's cache.
func TestLockTagSize(t *testing.T) {
	if n := unsafe.Sizeof(lockTag{}); n != 16 {
		t.Fatalf("a lock-step tag is %d bytes, want 16", n)
	}
}

// TestLockstepPartners: five senders of identical probes pair as the slot
// lists them (its first four; the fifth with those four), whatever the
// address family of the first sender, which decides whether the tag alone
// can hold it; probes a decoy window apart do not pair.
func TestLockstepPartners(t *testing.T) {
	for _, tc := range []struct {
		name    string
		senders []netip.Addr
	}{
		{"ipv4", []netip.Addr{ip("198.51.100.1"), ip("198.51.100.2"), ip("198.51.100.3"), ip("198.51.100.4"), ip("198.51.100.5")}},
		{"ipv6 first", []netip.Addr{ip("2001:db8::1"), ip("198.51.100.2"), ip("2001:db8:1::3"), ip("198.51.100.4"), ip("2001:db8:2::5")}},
		{"ipv4 first, ipv6 after", []netip.Addr{ip("198.51.100.1"), ip("2001:db8::2"), ip("2001:db8:1::3"), ip("2001:db8:2::4"), ip("198.51.100.5")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBed(t, func(c *Config) { c.DecoyMinSources = 99 }) // pairs only, no alert
			target := ip("192.0.2.10")
			if tc.senders[0].Is6() {
				target = ip("2001:db8:ffff::10")
			}
			const probes = 6
			for i := range probes {
				for _, src := range tc.senders {
					b.syn(src, target, 40000, uint16(1000+i), uint32(7000+i))
					b.advance(time.Millisecond)
				}
				b.advance(time.Second) // a window apart from the next round
			}
			// The first round's senders were seen once, untracked, so
			// the first round's pairs are not counted — but the fifth's:
			// its first probe, kept as a lone probe and replayed when its
			// second makes it tracked, finds the four before it tracked
			// by then.
			for i, src := range tc.senders {
				s := b.e.lookup(src)
				if s == nil || s.x == nil {
					t.Fatalf("sender %d (%s) has no detail", i, src)
				}
				others := map[netip.Addr]bool{}
				for j, o := range tc.senders {
					if j != i {
						others[o] = true
					}
				}
				for _, pt := range s.x.partners {
					if !others[pt.addr] {
						t.Errorf("sender %s: partner %s (%d), not expected", src, pt.addr, pt.n)
						continue
					}
					want := uint32(probes - 1)
					if i == 4 || pt.addr == tc.senders[4] {
						want = probes
					}
					if pt.n != want {
						t.Errorf("sender %s: partner %s in step %d times, want %d", src, pt.addr, pt.n, want)
					}
					delete(others, pt.addr)
				}
				for o := range others {
					t.Errorf("sender %s: no partner %s", src, o)
				}
			}
		})
	}
}

// TestLockstepWindow: the same probe from a second source after the decoy
// window is a new probe, not a copy; within the window it pairs, and a
// probe with another key in the same slot does not.
func TestLockstepWindow(t *testing.T) {
	b := newBed(t, nil)
	a, c, d := ip("198.51.100.1"), ip("198.51.100.2"), ip("198.51.100.3")
	target := ip("192.0.2.10")
	// Tracked first (two contacts each), so that pairs are recorded.
	for i, src := range []netip.Addr{a, c, d} {
		b.syn(src, target, 50000, 1, uint32(10*i+1))
		b.syn(src, target, 50000, 2, uint32(10*i+2))
	}
	partners := func(src netip.Addr) [4]partner {
		if s := b.e.lookup(src); s != nil && s.x != nil {
			return s.x.partners
		}
		return [4]partner{}
	}
	b.syn(a, target, 40000, 80, 99)
	b.advance(b.e.cfg.DecoyWindow + time.Millisecond)
	b.syn(c, target, 40000, 80, 99)
	if p := partners(c); p[0].n != 0 {
		t.Fatalf("paired across the decoy window: %+v", p)
	}
	b.advance(time.Millisecond)
	b.syn(d, target, 40000, 80, 99)
	if p := partners(d); p[0].addr != c || p[0].n != 1 || p[1].n != 0 {
		t.Fatalf("within the window: partners %+v, want %s once", p, c)
	}
	// Same slot, another key: the tag tells them apart.
	e := ip("198.51.100.4")
	b.syn(e, target, 50000, 1, 41)
	b.syn(e, target, 50000, 2, 42)
	p := Probe{Src: a, Dst: target, Proto: ProtoTCP, SrcPort: 40000, DstPort: 80, Seq: 99}
	q := p
	for q.Seq = 100; lockKey(&q)&b.e.lockstep.mask != lockKey(&p)&b.e.lockstep.mask; q.Seq++ {
	}
	b.advance(time.Millisecond)
	b.syn(e, target, 40000, 80, q.Seq)
	if p := partners(e); p[0].n != 0 {
		t.Fatalf("a probe with another key in the same slot paired: %+v", p)
	}
}
