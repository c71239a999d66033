package detect

import (
	"testing"
	"time"
)

// trace plays a UDP traceroute from prober to target, hops away, as Linux
// traceroute sends it: probes three to a TTL from TTL 1 up, to ports from
// 33434 up, 16 in flight and one more as each is answered, total in all.
// The routers answer the probes that expire with time exceeded, the target
// those that reach it with port unreachable. A capture beside the prober
// (arrival false) sees every probe with the TTL it was sent with and every
// answer; one beside the target (arrival true) sees only the probes that
// reach it, with the TTL they arrive with, and their refusals.
func (b *bed) trace(prober, target string, hops, total int, arrival bool) {
	p, t := ip(prober), ip(target)
	send := func(i int) {
		ttl := uint8(1 + i/3)
		if arrival {
			if int(ttl) < hops {
				return // it expires before the capture
			}
			ttl -= uint8(hops - 1)
		}
		b.e.Probe(&Probe{Time: b.now, Src: p, Dst: t, Proto: ProtoUDP, Technique: TechUDP,
			SrcPort: uint16(40000 + i), DstPort: uint16(33434 + i), TTL: ttl})
	}
	sent := min(16, total)
	for i := range sent {
		send(i)
	}
	for i := range total {
		b.advance(2 * time.Millisecond)
		o := Failed
		if 1+i/3 < hops {
			o = Expired
		}
		if !arrival || o == Failed {
			b.reply(p, t, ProtoUDP, uint16(40000+i), uint16(33434+i), o)
		}
		if sent < total {
			send(sent)
			sent++
		}
	}
}

// A traceroute's refusals, which have a vertical UDP scan's shape, raise
// nothing, from either side of the path and whatever its length; the same
// refusals of probes with an ordinary TTL do.
func TestTracerouteIsNoScan(t *testing.T) {
	for _, c := range []struct {
		name         string
		hops, total  int
		besideTarget bool
	}{
		{"beside the prober, target 4 hops away", 4, 18, false},
		{"beside the prober, target 15 hops away", 15, 60, false},
		{"beside the prober, target 30 hops away", 30, 96, false},
		{"beside the prober, target silent", 31, 90, false},
		{"beside the target, 4 hops from the prober", 4, 18, true},
		{"beside the target, 15 hops from the prober", 15, 60, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := newBed(t, nil)
			for range 5 { // a monitoring system tracing every minute
				b.trace("198.51.100.7", "203.0.113.9", c.hops, c.total, c.besideTarget)
				b.advance(time.Minute)
				b.tick()
			}
			b.flush()
			if len(b.alerts) != 0 {
				t.Fatalf("%d alerts for a traceroute, first %s: %s", len(b.alerts), b.alerts[0].Event.Action, b.alerts[0].Message)
			}
		})
	}
}

// The path-probe rule goes by TTL: the same ports refused to probes sent
// with a scanner's TTL are a UDP scan, and so are they after a few probes
// that expired on the way (a prober cannot excuse its scan by tracing the
// path first).
func TestPathRuleKeepsScans(t *testing.T) {
	for _, traceFirst := range []bool{false, true} {
		b := newBed(t, nil)
		p, tg := ip("198.51.100.7"), ip("203.0.113.9")
		if traceFirst {
			b.trace("198.51.100.7", "203.0.113.9", 15, 42, false) // all expire
		}
		for i := range 16 {
			b.e.Probe(&Probe{Time: b.now, Src: p, Dst: tg, Proto: ProtoUDP, Technique: TechUDP,
				SrcPort: 50000, DstPort: uint16(1000 + i), TTL: 48})
		}
		b.advance(20 * time.Millisecond)
		for i := range 16 {
			b.reply(p, tg, ProtoUDP, 50000, uint16(1000+i), Failed)
		}
		b.flush()
		if b.count(ActionPortscan, PhaseStart) != 1 {
			t.Errorf("traced first %v: a UDP scan with TTL 48 raised %d portscan starts, want 1", traceFirst, b.count(ActionPortscan, PhaseStart))
		}
	}
}

// A firewalk holds one TTL, past a firewall, across many ports: its probes
// expire at the next router, and it is the breadth scan it always was, not
// a path traced.
func TestFirewalkStaysAScan(t *testing.T) {
	b := newBed(t, nil)
	p, tg := ip("198.51.100.7"), ip("203.0.113.9")
	for i := range 40 {
		b.e.Probe(&Probe{Time: b.now, Src: p, Dst: tg, Proto: ProtoUDP, Technique: TechUDP,
			SrcPort: 53, DstPort: uint16(1 + i), TTL: 9})
		b.advance(time.Millisecond)
		b.reply(p, tg, ProtoUDP, 53, uint16(1+i), Expired)
	}
	b.advance(time.Minute)
	b.tick()
	b.flush()
	if b.count(ActionPortscan, PhaseStart) != 1 {
		t.Fatalf("a UDP firewalk of 40 ports raised %d portscan starts, want 1", b.count(ActionPortscan, PhaseStart))
	}
}
