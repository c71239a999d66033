package detect

import (
	"net/netip"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// bed drives an engine with synthetic packets and collects its alerts.
type bed struct {
	t      *testing.T
	e      *Engine
	alerts []*Alert
	now    time.Time
}

func newBed(t *testing.T, mod func(*Config)) *bed {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Sensor = "test"
	cfg.ContactTableSize = 1 << 16
	cfg.MaxSources = 4096
	if mod != nil {
		mod(&cfg)
	}
	b := &bed{t: t, now: t0}
	e, err := New(cfg, func(a *Alert) { b.alerts = append(b.alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	b.e = e
	return b
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

// nth returns the n-th address after base (IPv4).
func nth(base string, n int) netip.Addr {
	a := ip(base).As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(n)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func (b *bed) advance(d time.Duration) { b.now = b.now.Add(d) }

// syn sends a raw-socket SYN (nmap-like) and returns the probe.
func (b *bed) syn(src, dst netip.Addr, sport, dport uint16, seq uint32) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoTCP, Technique: TechSYN,
		SrcPort: sport, DstPort: dport, Seq: seq, Window: 1024, TTL: 48, FP: FPMSSOnly})
}

// connect sends an operating-system SYN (full options).
func (b *bed) connect(src, dst netip.Addr, sport, dport uint16, seq uint32) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoTCP, Technique: TechConnect,
		SrcPort: sport, DstPort: dport, Seq: seq, Window: 64240, TTL: 64, FP: FPFullOptions})
}

func (b *bed) reply(prober, target netip.Addr, proto uint8, pport, tport uint16, o Outcome) {
	b.e.Reply(&Reply{Time: b.now, Prober: prober, Target: target, Proto: proto, ProberPort: pport, TargetPort: tport, Outcome: o})
}

func (b *bed) udp(src, dst netip.Addr, sport, dport uint16) {
	b.e.Probe(&Probe{Time: b.now, Src: src, Dst: dst, Proto: ProtoUDP, Technique: TechUDP, SrcPort: sport, DstPort: dport, TTL: 64})
}

func (b *bed) tick()  { b.e.Tick(b.now) }
func (b *bed) flush() { b.e.Flush(b.now) }

func (b *bed) count(action Action, phase Phase) int {
	n := 0
	for _, a := range b.alerts {
		if a.Event.Action == action && a.Portsnare.Phase == phase {
			n++
		}
	}
	return n
}

func (b *bed) expectNone() {
	b.t.Helper()
	for _, a := range b.alerts {
		b.t.Errorf("unexpected alert: %s (%s, reason %s)", a.Message, a.Portsnare.Phase, a.Portsnare.Scan.Reason)
	}
}

func (b *bed) only(action Action) []*Alert {
	b.t.Helper()
	var out []*Alert
	for _, a := range b.alerts {
		if a.Event.Action != action {
			b.t.Errorf("unexpected %s alert: %s", a.Event.Action, a.Message)
			continue
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		b.t.Fatalf("no %s alert; got %d alerts", action, len(b.alerts))
	}
	return out
}
