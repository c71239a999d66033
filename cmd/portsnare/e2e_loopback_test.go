//go:build linux

package main

import (
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// TestE2ELoopbackCountsOnce: on lo the kernel shows every packet twice,
// leaving and arriving. A real nmap scan over loopback must count each probe
// once.
func TestE2ELoopbackCountsOnce(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	isolateNATS(t)
	sens := startSensor(t, "lo")
	// Addresses of their own in 127/8, so that other tests' loopback
	// traffic (all from 127.0.0.1) does not join this episode.
	testkit.Sh(t, "timeout", "60", "nmap", "-n", "-sS", "-Pn", "-e", "lo", "-S", "127.66.0.1", "--max-retries", "0",
		"-p", "40001-40100", "127.77.0.1")
	alerts := sens.finish()
	var end *detect.Alert
	for _, a := range alerts {
		if a.Portsnare.Phase == detect.PhaseEnd && a.Event.Action == detect.ActionPortscan && a.Source.IP == "127.66.0.1" {
			end = &a
		}
	}
	if end == nil {
		t.Fatalf("no portscan episode on lo; %d other alerts", len(alerts))
	}
	sc := end.Portsnare.Scan
	if sc.Ports != 100 || sc.Probes != 100 || sc.Failed != 100 {
		t.Errorf("ports %d probes %d failed %d; want 100 each (every packet once)", sc.Ports, sc.Probes, sc.Failed)
	}
}
