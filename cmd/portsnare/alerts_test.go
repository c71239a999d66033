package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

// natsServer runs a real nats-server with JetStream for the test and
// returns its URL.
func natsServer(t *testing.T) string {
	t.Helper()
	return testkit.NATSServer(t).ClientURL()
}

// replay --nats publishes what it prints; alerts reads the same back; a
// second replay of the same capture stores nothing twice.
func TestReplayNATSThenAlerts(t *testing.T) {
	url := natsServer(t)
	code, replayed, stderr := runCLI(t, "replay", "--no-progress", "--nats", url, synScan)
	if code != exitOK {
		t.Fatalf("replay --nats: exit %d\n%s", code, stderr)
	}
	n := strings.Count(replayed, "\n")
	if n == 0 {
		t.Fatal("the capture raised no alerts")
	}
	if want := "NATS: " + strconv.Itoa(n) + " alerts published to " + url; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}

	code, read, stderr := runCLI(t, "alerts", "--nats", url)
	if code != exitOK {
		t.Fatalf("alerts: exit %d\n%s", code, stderr)
	}
	if read != replayed {
		t.Errorf("alerts printed\n%s\nreplay printed\n%s", read, replayed)
	}

	code, _, stderr = runCLI(t, "replay", "--no-progress", "--nats", url, synScan)
	if code != exitOK || !strings.Contains(stderr, "already there") {
		t.Errorf("second replay: exit %d\n%s", code, stderr)
	}
	if _, again, _ := runCLI(t, "alerts", "--nats", url); again != replayed {
		t.Errorf("after a second replay the stream holds\n%s", again)
	}
	// --since: everything was stored a moment ago.
	if _, recent, _ := runCLI(t, "alerts", "--nats", url, "--since", "1h"); recent != replayed {
		t.Errorf("--since 1h:\n%s", recent)
	}
}

// With the server unreachable replay still prints every alert, then exits
// 1 saying how many were not published.
func TestReplayNATSUnreachable(t *testing.T) {
	url := testkit.DeadNATSURL(t)
	start := time.Now()
	code, stdout, stderr := runCLI(t, "replay", "--no-progress", "--nats", url, "--log-level", "error", synScan)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if stdout == "" {
		t.Error("no alerts on stdout")
	}
	n := strings.Count(stdout, "\n")
	if want := strconv.Itoa(n) + " alerts not published to NATS at " + url; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("took %s to give up", d)
	}
}

func TestReplayNATSEmptyURL(t *testing.T) {
	code, _, stderr := runCLI(t, "replay", "--nats", "", emptyPcap(t))
	if code != exitUsage || !strings.Contains(stderr, "--nats needs the URL") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestAlertsErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--nats", testkit.DeadNATSURL(t)}, exitFailure, "unreachable"},
		{[]string{"--nats", natsServer(t)}, exitFailure, "no stream PORTSNARE"},
		{[]string{"--nats", "http://x"}, exitUsage, `nats.urls item 0: "http://x": scheme must be nats, tls, ws or wss (from flag --nats)`},
		{[]string{"--since", "-1h"}, exitUsage, "--since must not be negative"},
		{[]string{"extra"}, exitUsage, "unknown command"},
	} {
		code, _, stderr := runCLI(t, append([]string{"alerts"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("alerts %q: exit %d, want %d and %q; stderr:\n%s", c.args, code, c.code, c.want, stderr)
		}
	}
}

// alerts --follow prints stored alerts, then new ones as they come, and
// exits 0 on a signal (here, the context it cancels).
func TestAlertsFollow(t *testing.T) {
	url := natsServer(t)
	pub, err := publish.New(publish.Config{URLs: []string{url}, SpoolDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pctx, pcancel := context.WithCancel(context.Background())
	defer pcancel()
	go pub.Run(pctx)
	send := func(a *detect.Alert) {
		doc, err := render.Make(a, render.ECS)
		if err != nil {
			t.Fatal(err)
		}
		pub.Publish(doc)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := pub.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	send(testAlert("one", false))

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr testkit.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"alerts", "--follow", "--suppressed", "--nats", url}, &stdout, &stderr)
	}()
	testkit.WaitOutput(t, 10*time.Second, &stdout, `"id":"one"`)
	send(testAlert("two", true))
	testkit.WaitOutput(t, 10*time.Second, &stdout, `"id":"two"`)
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d\n%s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 2 {
		t.Errorf("%d lines:\n%s", n, stdout.String())
	}
}

func testAlert(id string, suppressed bool) *detect.Alert {
	a := &detect.Alert{
		Timestamp: time.Date(2026, 11, 29, 7, 59, 27, 0, time.UTC),
		Message:   "SYN portscan: 198.18.0.10 probed 20 ports on 198.18.0.2",
		Event:     detect.Event{Kind: "alert", ID: id, Action: detect.ActionPortscan},
		Source:    detect.Endpoint{IP: "198.18.0.10"},
		Observer:  detect.Observer{Hostname: "sensor-1"},
		Portsnare: detect.PortsnareData{Phase: detect.PhaseStart, Suppressed: suppressed, Scan: detect.ScanData{Technique: "syn"}},
	}
	if suppressed {
		a.Portsnare.Allowlist = &detect.Allowlist{Rule: "nessus"}
	} else {
		a.Destination = &detect.Endpoint{IP: "198.18.0.2"}
	}
	return a
}

// On a terminal alerts prints a table: a header, then one row per alert,
// with '-' for what an alert lacks and suppressed alerts marked.
func TestAlertsTable(t *testing.T) {
	var buf bytes.Buffer
	p := newAlertPrinter(&buf, false, false, true)
	for _, a := range []*detect.Alert{testAlert("one", false), testAlert("two", true)} {
		data, _ := json.Marshal(a)
		if err := p.print(publish.Message{Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	p.flush()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	for i, want := range [][]string{
		{"TIME", "ACTION", "PHASE", "SOURCE", "DESTINATION", "TECHNIQUE", "MESSAGE"},
		{"portscan", "start", "198.18.0.10", "198.18.0.2", "syn", "SYN portscan: 198.18.0.10 probed 20 ports"},
		{"portscan", "start", "198.18.0.10", " - ", "syn", "[suppressed by nessus] SYN portscan"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d lacks %q: %q", i, w, lines[i])
			}
		}
	}
	// Columns line up.
	if strings.Index(lines[0], "MESSAGE") != strings.Index(lines[1], "SYN portscan") {
		t.Errorf("columns do not line up:\n%s", buf.String())
	}
}

// TestOCSFOutput: with output.format ocsf, replay prints and publishes OCSF
// Detection Findings, alerts reads them back as published, and its table
// shows them as it shows ECS alerts.
func TestOCSFOutput(t *testing.T) {
	url := natsServer(t)
	cfg := writeFile(t, "portsnare.yaml", "output:\n  format: ocsf\n")
	code, replayed, stderr := runCLI(t, "replay", "--no-progress", "-c", cfg, "--nats", url, synScan)
	if code != exitOK {
		t.Fatalf("replay: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(replayed, "\n"), "\n")
	for _, line := range lines {
		a, format, err := render.Decode([]byte(line))
		if err != nil || format != render.OCSF || a.Event.Action != detect.ActionPortscan {
			t.Fatalf("%v %q %+v: %s", err, format, a, line)
		}
		if !strings.Contains(line, `"class_uid":2004`) {
			t.Fatalf("not a Detection Finding: %s", line)
		}
	}
	if code, read, stderr := runCLI(t, "alerts", "--nats", url); code != exitOK || read != replayed {
		t.Fatalf("alerts: exit %d, read back\n%s\nstderr %s", code, read, stderr)
	}
	var buf bytes.Buffer
	p := newAlertPrinter(&buf, false, false, true)
	if err := p.print(publish.Message{Data: []byte(lines[0])}); err != nil {
		t.Fatal(err)
	}
	p.flush()
	if !strings.Contains(buf.String(), "portscan") || !strings.Contains(buf.String(), "198.18.0.10") {
		t.Errorf("table of an OCSF alert:\n%s", buf.String())
	}
	if code, _, stderr := runCLI(t, "check-config", "-c", writeFile(t, "bad.yaml", "output:\n  format: cef\n")); code != exitUsage ||
		!strings.Contains(stderr, `output.format: "cef" is not an output format: expected ecs or ocsf`) {
		t.Errorf("check-config of format cef: exit %d\n%s", code, stderr)
	}
}
