//go:build linux

package main

import (
	"slices"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// TestE2EDecoysCatchHalfOpenScans: nmap -sS against two decoy ports. The
// kernel answers each SYN with a SYN-ACK, the scanner resets, and accept()
// never returns — so the decoys themselves see nothing. Capture sees the
// SYNs, and a SYN to a decoy is a touch: one honeyport episode naming both
// ports, spoofable (no handshake proves the source).
func TestE2EDecoysCatchHalfOpenScans(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	b := newBed(t, 79)
	target := b.addr(1)
	scanner := b.client(121)
	t.Setenv("PORTSNARE_HONEYPORT_ENABLED", "true")
	t.Setenv("PORTSNARE_HONEYPORT_PORTS", "2323,8081")
	t.Setenv("PORTSNARE_HONEYPORT_ADDRESSES", target)
	isolateNATS(t)

	sens := startSensor(t, b.bridge)
	out := b.in(scanner, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "-p", "2323,8081", target)
	alerts := sens.finish()
	var end *detect.Alert
	for _, a := range alerts {
		if a.Event.Action == detect.ActionHoneyport && a.Portsnare.Phase == detect.PhaseEnd {
			if end != nil {
				t.Error("two honeyport episodes for one scanner")
			}
			end = &a
		}
	}
	if end == nil {
		t.Fatalf("no honeyport alert for a SYN scan of two decoys (nmap said:\n%s); log:\n%s", out, sens.errOut.String())
	}
	h := end.Portsnare.Honeyport
	if end.Source.IP != b.addr(121) || h.Handshake || !h.Spoofable || h.Touches != 2 {
		t.Errorf("source %s handshake %v spoofable %v touches %d; want %s, false, true, 2",
			end.Source.IP, h.Handshake, h.Spoofable, h.Touches, b.addr(121))
	}
	for _, p := range []uint16{2323, 8081} {
		if !slices.Contains(h.PortsSample, p) {
			t.Errorf("port %d not among the touched %v", p, h.PortsSample)
		}
	}
}
