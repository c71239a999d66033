package detect

import (
	"net/netip"
	"testing"
	"time"
)

// TestAggKey: sources are keyed by their prefix where aggregated, by
// their address where not (IPv4, IPv4-mapped, link-local), and keys map
// back to the address.
func TestAggKey(t *testing.T) {
	for _, bits := range []int{48, 64, 128} {
		b := newBed(t, func(c *Config) { c.IPv6PrefixLen = bits })
		for _, s := range []string{"192.0.2.7", "::ffff:192.0.2.7", "2001:db8:1:2:3:4:5:6", "fe80::1", "fe80::1:2:3:4", "::1", "2001:db8::"} {
			a := ip(s)
			want := keyOf(a)
			if a.Is6() && !a.Is4In6() && !a.IsLinkLocalUnicast() {
				want = keyOf(netip.PrefixFrom(a, bits).Masked().Addr())
			}
			if got := b.e.aggKey(keyOf(a)); got != want {
				t.Errorf("/%d %s: aggKey %x, want %x", bits, s, got, want)
			}
			if back := addrOfKey(keyOf(a)); keyOf(back) != keyOf(a) {
				t.Errorf("%s: addrOfKey gives %s", s, back)
			}
		}
	}
}

// TestLoneSourceAdopted: a source's first probe waits in a lone slot with
// its answer, and counts in full once the source makes a second contact.
func TestLoneSourceAdopted(t *testing.T) {
	b := newBed(t, nil)
	src, dst := ip("203.0.113.9"), ip("192.0.2.1")
	b.syn(src, dst, 40000, 22, 1)
	b.syn(src, dst, 40000, 22, 1) // retransmitted
	b.e.Reply(&Reply{Time: b.now, Prober: src, Target: dst, Proto: ProtoTCP, ProberPort: 40000, TargetPort: 22,
		Outcome: Failed, AnswersProbe: true})
	if b.e.lookup(src) != nil || b.e.Stats().Sources != 0 {
		t.Fatal("a source seen once is tracked")
	}
	b.advance(time.Second)
	b.syn(src, dst, 40001, 23, 2)
	s := b.e.lookup(src)
	if s == nil {
		t.Fatal("a second contact did not track the source")
	}
	if s.contacts != 2 || s.failed != 1 || s.probes != 3 || s.retried != 1 || s.first != ptimeOf(t0) {
		t.Fatalf("adopted source: contacts %d failed %d probes %d retried %d first %v", s.contacts, s.failed, s.probes, s.retried, s.first.time())
	}
	if st := b.e.Stats(); st.LoneKept != 1 || st.LoneTracked != 1 || st.RepliesMatched != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestFloodLeavesWaitQueue: a flood of one-packet sources does not crowd
// a ping sweeper's contacts out of the wait queue, so that the dead hosts
// it found are judged and the sweep is alerted.
func TestFloodLeavesWaitQueue(t *testing.T) {
	b := newBed(t, func(c *Config) { c.ContactTableSize = 1 << 14 }) // a wait queue of 1,024
	sweeper := ip("198.18.100.40")
	for i := 0; i < 64; i++ {
		h := nth("10.1.0.1", i)
		b.e.Probe(&Probe{Time: b.now, Src: sweeper, Dst: h, Proto: ProtoICMP, Technique: TechICMP, DstPort: 8})
		if i%8 == 0 { // one host in eight is alive
			b.e.Reply(&Reply{Time: b.now, Prober: sweeper, Target: h, Proto: ProtoICMP, TargetPort: 8, Outcome: Succeeded, AnswersProbe: true})
		}
		for j := 0; j < 500; j++ { // 32,000 spoofed SYNs in all
			b.syn(nth("100.64.0.0", i*500+j), ip("10.2.0.1"), 1234, 80, uint32(j))
		}
		b.advance(50 * time.Millisecond)
		b.tick()
	}
	b.advance(10 * time.Second)
	b.tick()
	if b.count(ActionPingsweep, PhaseStart) != 1 {
		t.Fatalf("ping sweep under a flood not alerted; stats %+v", b.e.Stats())
	}
	if st := b.e.Stats(); st.Unjudged != 0 {
		t.Errorf("%d contacts given up unjudged", st.Unjudged)
	}
}
