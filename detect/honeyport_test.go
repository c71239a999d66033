package detect

import (
	"testing"
	"time"
)

func TestHoneyportTouch(t *testing.T) {
	b := newBed(t, nil)
	src, host := ip("198.18.0.10"), ip("198.18.0.2")
	touch := func(port uint16) {
		b.e.Touch(&Touch{Time: b.now, Src: src, Dst: host, SrcPort: 40000 + port, DstPort: port, Proto: ProtoTCP,
			Handshake: true, Banner: "ssh", Bytes: 5, First: []byte("hello")})
		b.advance(time.Second)
	}
	touch(23)
	if len(b.alerts) != 1 || b.alerts[0].Event.Action != ActionHoneyport || b.alerts[0].Portsnare.Phase != PhaseStart {
		t.Fatalf("one touch: %d alerts, want an immediate honeyport start", len(b.alerts))
	}
	h := b.alerts[0].Portsnare.Honeyport
	if h == nil || h.Port != 23 || !h.Handshake || h.Spoofable || string(h.FirstBytes) != "hello" || h.Banner != "ssh" {
		t.Fatalf("honeyport details %+v", h)
	}
	// A scan over more decoys is the same honeyport episode, and the
	// decoy contacts count as strong failures: the scan alert follows.
	for _, p := range []uint16{445, 3389, 5900, 6379, 9200, 2375, 1433, 3306, 5432} {
		touch(p)
	}
	b.advance(time.Hour)
	b.tick()
	if n := b.count(ActionHoneyport, PhaseStart); n != 1 {
		t.Errorf("%d honeyport episodes for one source, want 1", n)
	}
	if n := b.count(ActionHoneyport, PhaseEnd); n != 1 {
		t.Errorf("%d honeyport ends, want 1", n)
	}
	if n := b.count(ActionPortscan, PhaseStart); n != 1 {
		t.Errorf("%d portscan starts after ten decoy touches, want 1", n)
	}
	for _, a := range b.alerts {
		if a.Event.Action == ActionHoneyport && a.Portsnare.Phase == PhaseEnd {
			if a.Portsnare.Honeyport.Touches != 10 || len(a.Portsnare.Honeyport.PortsSample) != 10 {
				t.Errorf("honeyport end: %+v", a.Portsnare.Honeyport)
			}
		}
	}
}

func TestPassiveTouchIsSpoofableAndAllowlistFlagged(t *testing.T) {
	b := newBed(t, nil)
	b.e.SetPolicy(rulePolicy{"198.18.0.10", 65535})
	b.e.Touch(&Touch{Time: b.now, Src: ip("198.18.0.10"), Dst: ip("198.18.0.2"), SrcPort: 1, DstPort: 23, Proto: ProtoTCP, Passive: true})
	a := b.only(ActionHoneyport)[0]
	if !a.Portsnare.Honeyport.Spoofable || a.Portsnare.Honeyport.Handshake {
		t.Errorf("passive touch: %+v", a.Portsnare.Honeyport)
	}
	if !a.Portsnare.Suppressed || a.Portsnare.Allowlist == nil || !a.Portsnare.Allowlist.Flagged {
		t.Errorf("allowlisted touch: suppressed=%v allowlist=%+v", a.Portsnare.Suppressed, a.Portsnare.Allowlist)
	}
}

// TestHoneyportCommunityID: a honeyport alert names one flow, by its
// Community ID (the specification's first test vector is this flow).
func TestHoneyportCommunityID(t *testing.T) {
	b := newBed(t, nil)
	b.e.Touch(&Touch{Time: b.now, Src: ip("1.2.3.4"), Dst: ip("5.6.7.8"), SrcPort: 1122, DstPort: 3344,
		Proto: ProtoTCP, Handshake: true})
	if len(b.alerts) != 1 {
		t.Fatalf("%d alerts", len(b.alerts))
	}
	if got := b.alerts[0].Network.CommunityID; got != "1:wCb3OG7yAFWelaUydu0D+125CLM=" {
		t.Errorf("community id %q", got)
	}
}
