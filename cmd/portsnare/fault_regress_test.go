//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

// The faults a careless operator or a hostile network can cause that the
// sensor already survived when they were first tried. They are kept so that
// it goes on surviving them.

// TestFaultRegressNATSStoppedMidScan stops the NATS server while a scan is
// being alerted, raises a second episode during the outage, and brings the
// server back on the same port and store: the stream then holds exactly
// the alerts written to standard output, each once.
func TestFaultRegressNATSStoppedMidScan(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	b := newBed(t, 91)
	target := b.addr(1)
	slow, fast := b.client(131), b.client(132)
	isolateNATS(t)
	store := t.TempDir()
	emb := startTestNATS(t, store, "127.0.0.1:0")
	url := emb.ClientURL()
	listen := strings.TrimPrefix(url, "nats://")
	t.Setenv("PORTSNARE_NATS_URLS", url)
	t.Setenv("PORTSNARE_HONEYPORT_ENABLED", "false")

	sens := startSensor(t, b.bridge)
	// About 6 s of probes, so that the server stops while they arrive.
	scan := b.start(slow, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "--max-retries", "0",
		"--scan-delay", "30ms", "-p", "1-200", target)
	fromSlow := `"source":{"ip":"` + b.addr(131) + `"}`
	if !sens.waitLine(20*time.Second, func(l []byte) bool { return strings.Contains(string(l), fromSlow) }) {
		t.Fatalf("no alert for the scan before the outage; log:\n%s", sens.errOut.String())
	}
	testkit.WaitFor(t, 10*time.Second, "the first alert to be published", func() bool {
		return sens.counter("portsnare_nats_published_total") > 0
	})
	emb.Shutdown()

	// An episode raised wholly inside the outage must wait in the spool.
	b.in(fast, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "--max-retries", "0", "-p", "1001-1100", target)
	fromFast := `"source":{"ip":"` + b.addr(132) + `"}`
	if !sens.waitLine(20*time.Second, func(l []byte) bool { return strings.Contains(string(l), fromFast) }) {
		t.Fatalf("no alert for the scan during the outage; log:\n%s", sens.errOut.String())
	}
	testkit.WaitFor(t, 10*time.Second, "alerts to wait in the spool", func() bool {
		return sens.counter("portsnare_nats_spooled_alerts") > 0
	})
	if out, err := scan(); err != nil {
		t.Fatalf("the slow scan: %v\n%s", err, out)
	}

	emb = startTestNATS(t, store, listen)
	alerts := sens.finish()
	written := make([]string, 0, len(alerts))
	for _, a := range alerts {
		written = append(written, a.Event.ID)
	}
	checkStream(t, emb.ClientURL(), written)
}

// TestFaultRegressKill9MidOutage kills the sensor with SIGKILL while NATS
// is down and its alerts wait in the spool, then starts it again once the
// server is up: every alert the first run wrote reaches the stream, and
// none twice.
func TestFaultRegressKill9MidOutage(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	bin := buildBinary(t)
	spoolDir := t.TempDir()
	listen := freeFixedPort(t)
	env := []string{
		"PORTSNARE_NATS_URLS=nats://" + listen,
		"PORTSNARE_NATS_SPOOL_DIR=" + spoolDir,
		"PORTSNARE_HONEYPORT_ENABLED=false",
	}

	first, metrics := startLoopbackSensor(t, bin, env)
	// Own addresses in 127/8, apart from other tests' loopback traffic.
	scanLoopback(t, first, "127.70.0.1", "127.80.0.1", "42001-42100")
	// Every alert written so far must be in the spool before the kill, or
	// the kill tests the race of two writes rather than the spool.
	testkit.WaitFor(t, 10*time.Second, "the alerts written to wait in the spool", func() bool {
		n, err := testkit.Scrape(metrics, "portsnare_nats_spooled_alerts")
		return err == nil && n > 0 && int(n) == len(stdoutIDs(t, first.stdout.String()))
	})
	before := stdoutIDs(t, first.stdout.String())
	_ = first.cmd.Process.Signal(syscall.SIGKILL)
	if _, sig := first.wait(t, 10*time.Second); sig != syscall.SIGKILL {
		t.Fatalf("the sensor was not killed by SIGKILL (signal %v)", sig)
	}

	emb := startTestNATS(t, t.TempDir(), listen)
	second, metrics := startLoopbackSensor(t, bin, env)
	testkit.WaitFor(t, 20*time.Second, "the spool to be delivered", func() bool {
		n, err := testkit.Scrape(metrics, "portsnare_nats_spooled_alerts")
		p, perr := testkit.Scrape(metrics, "portsnare_nats_published_total")
		return err == nil && perr == nil && n == 0 && int(p) >= len(before)
	})
	_ = second.cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := second.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("the restarted sensor exited %d (signal %v); log:\n%s", code, sig, second.stderr.String())
	}
	// The second run may alert other loopback traffic of its own; those
	// belong in the stream too.
	checkStream(t, emb.ClientURL(), append(before, stdoutIDs(t, second.stdout.String())...))
}

// TestFaultRegressSIGHUPStorm sends hundreds of SIGHUPs to a running
// sensor with a configuration file: it keeps running, scans during and
// after the storm are alerted, and its goroutines and file descriptors
// come back to what they were before.
func TestFaultRegressSIGHUPStorm(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	bin := buildBinary(t)
	cfg := writeFile(t, "portsnare.yaml", "allowlist:\n  rules:\n    - name: lab\n      sources: [198.18.0.9]\n")
	env := []string{
		"PORTSNARE_NATS_DATA_DIR=" + t.TempDir(),
		"PORTSNARE_NATS_SPOOL_DIR=" + t.TempDir(),
		"PORTSNARE_NATS_LISTEN=127.0.0.1:0",
		"PORTSNARE_HONEYPORT_ENABLED=false",
	}
	s, metrics := startLoopbackSensor(t, bin, env, "--config", cfg)
	pid := s.cmd.Process.Pid
	// The first scan brings up whatever starts lazily, so that the idle
	// measure is taken from a sensor that has already alerted.
	scanLoopback(t, s, "127.71.0.1", "127.81.0.1", "43001-43100")
	idleG, idleFD := goroutines(t, metrics), openFDs(t, pid)

	storm := make(chan struct{})
	go func() {
		defer close(storm)
		for range 500 {
			if s.cmd.Process.Signal(syscall.SIGHUP) != nil {
				return
			}
			// Paced so that the signals are not merged into a few: each
			// one finds a reload under way or just finished.
			time.Sleep(2 * time.Millisecond)
		}
	}()
	scanLoopback(t, s, "127.72.0.1", "127.82.0.1", "43101-43200")
	<-storm
	select {
	case <-s.exited:
		t.Fatalf("the sensor exited during the SIGHUP storm; log:\n%s", s.stderr.String())
	default:
	}
	scanLoopback(t, s, "127.73.0.1", "127.83.0.1", "43201-43300")
	// Signals arriving during a reload are merged, so fewer reloads than
	// signals is right; none would mean the storm tested nothing.
	reloads := strings.Count(s.stderr.String(), "allowlist reloaded")
	t.Logf("%d reloads logged for 500 SIGHUPs", reloads)
	if reloads == 0 {
		t.Errorf("no reload logged during the storm; log:\n%s", s.stderr.String())
	}
	if n := strings.Count(s.stderr.String(), "SIGHUP: configuration rejected"); n > 0 {
		t.Errorf("%d reloads of an unchanged configuration were rejected; log:\n%s", n, s.stderr.String())
	}
	// A few goroutines come and go with a scrape or an episode; a leak of
	// one per reload would be hundreds.
	testkit.WaitFor(t, 15*time.Second, fmt.Sprintf("goroutines to come back to %d and fds to %d", idleG, idleFD), func() bool {
		return goroutines(t, metrics) <= idleG+5 && openFDs(t, pid) <= idleFD+2
	})
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := s.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("exit %d (signal %v) after the storm; log:\n%s", code, sig, s.stderr.String())
	}
}

// TestFaultRegressMalformedFrames floods the capture interface with IPv4
// frames whose header length is impossible while a real scan runs: each is
// counted as a decode error (or, if the ring overflowed, a kernel drop),
// the sensor keeps running and the scan is alerted.
func TestFaultRegressMalformedFrames(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout", "python3")
	const frames = 20000
	b := newBed(t, 92)
	target := b.addr(1)
	client := b.client(141)
	isolateNATS(t)
	t.Setenv("PORTSNARE_HONEYPORT_ENABLED", "false")
	// The capture is on the client's port of the bridge, not the bridge:
	// with br_netfilter loaded the bridge drops malformed IPv4 before its
	// own capture could see it, and the fault is about what reaches the
	// sensor.
	sens := startSensor(t, fmt.Sprintf("pv%s%d", b.id, 141))

	// IHL below 5 makes every frame malformed whatever follows; protocol
	// UDP and no fragment bits take it through the capture filter.
	script := fmt.Sprintf(`
import os, socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
src = bytes.fromhex(open("/sys/class/net/eth0/address").read().strip().replace(":", ""))
dst = bytes.fromhex(%q)
for i in range(%d):
    ip = bytearray(os.urandom(40))
    ip[0] = 0x40 | (i %% 5)
    ip[6] = ip[7] = 0
    ip[9] = 17
    s.send(dst + src + b"\x08\x00" + bytes(ip))
`, strings.ReplaceAll(b.mac(), ":", ""), frames)
	flood := b.start(client, 60*time.Second, "python3", "-c", script)
	b.in(client, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "--max-retries", "0", "-p", "1-200", target)
	if out, err := flood(); err != nil {
		t.Fatalf("the garbage sender: %v\n%s", err, out)
	}

	errSample := `portsnare_decoded_packets_total{result="error"}`
	if !testkit.Until(15*time.Second, nil, func() bool {
		return sens.counter(errSample)+sens.counter("portsnare_capture_kernel_drops_total") >= frames
	}) {
		var got []string
		for _, r := range []string{"probe", "reply", "ignored", "unsupported", "error", "truncated"} {
			got = append(got, fmt.Sprintf("%s %v", r, sens.counter(`portsnare_decoded_packets_total{result="`+r+`"}`)))
		}
		t.Fatalf("%d malformed frames sent; captured %v, kernel drops %v, decoded: %s",
			frames, sens.counter("portsnare_capture_packets_total"), sens.counter("portsnare_capture_kernel_drops_total"), strings.Join(got, ", "))
	}
	if errs := sens.counter(errSample); errs < frames/2 {
		t.Errorf("%v of %d malformed frames counted as errors", errs, frames)
	}
	from := b.addr(141)
	for _, a := range sens.finish() {
		if a.Event.Action == detect.ActionPortscan && a.Source.IP == from {
			return
		}
	}
	t.Errorf("no portscan alert for %s among the garbage; log:\n%s", from, sens.errOut.String())
}

// startTestNATS starts a JetStream server on store, listening on listen,
// and stops it when the test ends.
func startTestNATS(t *testing.T, store, listen string) *publish.Embedded {
	t.Helper()
	cfg := publish.DefaultConfig()
	cfg.DataDir, cfg.Listen = store, listen
	emb, err := publish.StartEmbedded(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Shutdown)
	return emb
}

// checkStream reads the alert stream at url and compares its event ids
// with want: each must be there exactly once, and nothing else.
func checkStream(t *testing.T, url string, want []string) {
	t.Helper()
	cfg := publish.DefaultConfig()
	cfg.URLs = []string{url}
	var stored []string
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := publish.Read(ctx, cfg, publish.ReadOptions{Suppressed: true}, func(m publish.Message) error {
		stored = append(stored, m.MsgID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want = slices.Clone(want)
	slices.Sort(stored)
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("no alerts were written: nothing to compare the stream with")
	}
	if !slices.Equal(stored, want) {
		t.Errorf("stream holds %d alerts, standard output %d:\nstream %v\nstdout %v", len(stored), len(want), stored, want)
	}
}

// startLoopbackSensor starts the binary as `portsnare run -i lo --stdout`
// with metrics on a free loopback port, and returns once they answer.
func startLoopbackSensor(t *testing.T, bin string, env []string, args ...string) (*isolatedSensor, string) {
	t.Helper()
	metrics := "http://" + freeFixedPort(t)
	full := append([]string{"run", "-i", "lo", "--stdout", "--sensor-name", "fault", "--log-level", "info",
		"--metrics-listen", strings.TrimPrefix(metrics, "http://")}, args...)
	s := startProc(t, exec.Command(bin, full...), env)
	var err error
	if !testkit.Until(20*time.Second, s.exited, func() bool {
		_, err = testkit.Scrape(metrics, "go_goroutines")
		return err == nil
	}) {
		select {
		case <-s.exited:
			t.Fatalf("the sensor exited before serving metrics; log:\n%s", s.stderr.String())
		default:
			t.Fatalf("the sensor's metrics did not answer: %v; log:\n%s", err, s.stderr.String())
		}
	}
	return s, metrics
}

// scanLoopback runs an nmap SYN scan on lo from src to dst and waits for
// the sensor s to alert it.
func scanLoopback(t *testing.T, s *isolatedSensor, src, dst, ports string) {
	t.Helper()
	testkit.Sh(t, "timeout", "60", "nmap", "-n", "-sS", "-Pn", "-e", "lo", "-S", src, "--max-retries", "0", "-p", ports, dst)
	testkit.WaitFor(t, 20*time.Second, "an alert for the scan from "+src, func() bool {
		select {
		case <-s.exited:
			t.Fatalf("the sensor exited; log:\n%s", s.stderr.String())
		default:
		}
		return strings.Contains(s.stdout.String(), `"source":{"ip":"`+src+`"}`)
	})
}

// stdoutIDs returns the event ids of the complete alert lines in out.
func stdoutIDs(t *testing.T, out string) []string {
	t.Helper()
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = out[:i]
	} else {
		return nil
	}
	var ids []string
	for _, line := range strings.Split(out, "\n") {
		var a detect.Alert
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		ids = append(ids, a.Event.ID)
	}
	return ids
}

// goroutines reads the sensor's go_goroutines gauge.
func goroutines(t *testing.T, metrics string) int {
	t.Helper()
	n, err := testkit.Scrape(metrics, "go_goroutines")
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func openFDs(t *testing.T, pid int) int {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}
