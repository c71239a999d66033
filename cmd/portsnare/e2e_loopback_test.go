package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// TestE2ELoopbackCountsOnce: on lo the kernel shows every packet twice,
// leaving and arriving. A real nmap scan over loopback must count each probe
// once.
func TestE2ELoopbackCountsOnce(t *testing.T) {
	requireE2E(t, "nmap", "timeout")
	isolateNATS(t)
	ctx, stop := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"run", "-i", "lo", "--stdout", "--sensor-name", "e2e",
			"--metrics-listen", "", "--log-level", "warn"}, &out, &errOut)
	}()
	time.Sleep(time.Second)
	b := &bed{t: t}
	// Addresses of their own in 127/8, so that other tests' loopback
	// traffic (all from 127.0.0.1) does not join this episode.
	b.sh("timeout", "60", "nmap", "-n", "-sS", "-Pn", "-e", "lo", "-S", "127.66.0.1", "--max-retries", "0",
		"-p", "40001-40100", "127.77.0.1")
	time.Sleep(2 * time.Second)
	stop()
	if code := <-done; code != 0 {
		t.Fatalf("portsnare run exited %d:\n%s", code, errOut.String())
	}
	var end *detect.Alert
	for _, line := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var a detect.Alert
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		if a.Portsnare.Phase == detect.PhaseEnd && a.Event.Action == detect.ActionPortscan && a.Source.IP == "127.66.0.1" {
			end = &a
		}
	}
	if end == nil {
		t.Fatalf("no portscan episode on lo; alerts:\n%s", out.String())
	}
	sc := end.Portsnare.Scan
	if sc.Ports != 100 || sc.Probes != 100 || sc.Failed != 100 {
		t.Errorf("ports %d probes %d failed %d; want 100 each (every packet once)", sc.Ports, sc.Probes, sc.Failed)
	}
}
