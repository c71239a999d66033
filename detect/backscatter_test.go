package detect

import (
	"testing"
	"time"
)

// backscatter plays a flood's victim answering addresses its attacker
// forged from the monitored range: a RST-ACK with sequence 0 (it can only
// answer a SYN) to each of n addresses, on ports each its own, perAddr
// ports an address. Nothing is ever captured from the addresses.
func (b *bed) backscatter(victim string, n, perAddr int) {
	v := ip(victim)
	for i := range n {
		h := nth("198.18.0.0", 1+i*37%4000)
		for j := range perAddr {
			b.e.Reply(&Reply{Time: b.now, Prober: h, Target: v, Proto: ProtoTCP, ProberPort: uint16(1024 + i),
				TargetPort: uint16(1000 + 7*(i*perAddr+j)), Outcome: Failed, AnswersProbe: true})
			b.advance(50 * time.Millisecond)
		}
	}
	b.advance(time.Minute)
	b.tick()
	b.flush()
}

// Backscatter is no distributed scan: every "prober" is known only from
// one answer to a probe nobody saw.
func TestBackscatterIsNotDistributed(t *testing.T) {
	b := newBed(t, nil)
	b.backscatter("203.0.113.50", 200, 1)
	if len(b.alerts) != 0 {
		t.Fatalf("%d alerts for backscatter, first: %s", len(b.alerts), b.alerts[0].Message)
	}
}

// A distributed scan seen only from the target's side, each source
// refused on a few ports, is still one; and one whose probes are seen is
// one even with a single port per source.
func TestDistributedSeenFromTheTarget(t *testing.T) {
	b := newBed(t, nil)
	b.backscatter("203.0.113.50", 24, 3)
	if b.count(ActionDistributedPortscan, PhaseStart) != 1 {
		t.Errorf("answers-only distributed scan, 3 ports a source: %d distributed starts, want 1", b.count(ActionDistributedPortscan, PhaseStart))
	}
	b = newBed(t, nil)
	target := ip("198.18.0.2")
	for s := range 30 {
		port := uint16(100 + s)
		b.syn(nth("203.0.113.1", s), target, 4000, port, 9)
		b.reply(nth("203.0.113.1", s), target, ProtoTCP, 4000, port, Failed)
		b.advance(time.Second)
	}
	b.flush()
	if b.count(ActionDistributedPortscan, PhaseStart) != 1 {
		t.Errorf("30 seen sources, a port each: %d distributed starts, want 1", b.count(ActionDistributedPortscan, PhaseStart))
	}
}
