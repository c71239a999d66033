//go:build linux

package main

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

// TestE2EHoneyportsInRun: `portsnare run` with decoys and a dark port; real
// nmap -sT touches them; one honeyport episode names every decoy touched,
// the handshake proves the source, and the dark port is seen by capture.
func TestE2EHoneyportsInRun(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	b := newBed(t, 78)
	target := b.addr(1)
	scanner := b.client(120)
	t.Setenv("PORTSNARE_HONEYPORT_ENABLED", "true")
	t.Setenv("PORTSNARE_HONEYPORT_PORTS", "2323,5901")
	t.Setenv("PORTSNARE_HONEYPORT_ADDRESSES", target)
	t.Setenv("PORTSNARE_HONEYPORT_DARK_PORTS", "4444")
	dataDir, _ := isolateNATS(t)

	sens := startSensor(t, b.bridge)
	b.in(scanner, 60*time.Second, "nmap", "-n", "-sT", "-Pn", "-p", "2323,5901,4444", target)
	alerts := sens.finish()
	var start, end *detect.Alert
	for _, a := range alerts {
		if a.Event.Action != detect.ActionHoneyport {
			continue
		}
		if a.Source.IP != b.addr(120) {
			t.Errorf("honeyport alert for %s", a.Source.IP)
		}
		switch a.Portsnare.Phase {
		case detect.PhaseStart:
			if start != nil {
				t.Error("two honeyport episodes for one source")
			}
			start = &a
		case detect.PhaseEnd:
			end = &a
		}
	}
	if start == nil || end == nil {
		t.Fatalf("no honeyport episode among %d alerts; log:\n%s", len(alerts), sens.errOut.String())
	}
	h := end.Portsnare.Honeyport
	if !h.Handshake || h.Spoofable {
		t.Errorf("handshake %v spoofable %v: nmap -sT completes handshakes", h.Handshake, h.Spoofable)
	}
	for _, p := range []uint16{2323, 5901, 4444} {
		if !slices.Contains(h.PortsSample, p) {
			t.Errorf("port %d not among the touched %v", p, h.PortsSample)
		}
	}

	// Every alert written to standard output is in the JetStream stream too,
	// the end summaries flushed at shutdown included: start a server on the
	// sensor's store and read them back.
	cfg := publish.DefaultConfig()
	cfg.DataDir, cfg.Listen = dataDir, "127.0.0.1:0"
	emb, err := publish.StartEmbedded(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Shutdown()
	cfg.URLs = []string{emb.ClientURL()}
	var stored []string
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := publish.Read(rctx, cfg, publish.ReadOptions{Suppressed: true}, func(m publish.Message) error {
		stored = append(stored, m.MsgID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, a := range alerts {
		written = append(written, a.Event.ID)
	}
	slices.Sort(stored)
	slices.Sort(written)
	if !slices.Equal(stored, written) {
		t.Errorf("stream holds %d alerts, standard output %d:\nstream %v\nstdout %v", len(stored), len(written), stored, written)
	}
}

// TestE2ERunStopsWhenNATSRefuses: a sensor whose NATS server refuses its
// credentials stops with an error that says so, rather than run on without
// delivering anything.
func TestE2ERunStopsWhenNATSRefuses(t *testing.T) {
	testkit.RequireE2E(t)
	isolateNATS(t)
	cfg := publish.DefaultConfig()
	cfg.DataDir, cfg.Listen, cfg.Token = t.TempDir(), "127.0.0.1:0", "the-right-token"
	emb, err := publish.StartEmbedded(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Shutdown()
	t.Setenv("PORTSNARE_NATS_URLS", emb.ClientURL())
	t.Setenv("PORTSNARE_NATS_TOKEN", "a-wrong-token")
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"run", "-i", "lo", "--metrics-listen", "", "--log-level", "warn"}, &out, &errOut)
	}()
	select {
	case code := <-done:
		if code != 1 || !strings.Contains(errOut.String(), "credentials") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the sensor kept running with NATS refusing its credentials")
	}
}
