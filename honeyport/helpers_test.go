//go:build linux

package honeyport

import (
	"context"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// testLogger writes the decoys' log into the test's output.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(b[:len(b)-1]))
	return len(b), nil
}

// recorder collects touches.
type recorder struct {
	ch chan detect.Touch
}

func newRecorder() *recorder { return &recorder{ch: make(chan detect.Touch, 100000)} }

func (r *recorder) onTouch(t detect.Touch) { r.ch <- t }

// next waits for a touch matching ok, discarding others.
func (r *recorder) next(t testing.TB, ok func(detect.Touch) bool) detect.Touch {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-r.ch:
			if ok == nil || ok(got) {
				return got
			}
		case <-deadline:
			t.Fatal("no touch within 10s")
			return detect.Touch{}
		}
	}
}

// testConfig is an enabled configuration on loopback with the given ports
// and quick timers.
func testConfig(ports ...string) Config {
	c := DefaultConfig()
	c.Enabled = true
	c.Ports = ports
	c.Addresses = []string{"127.0.0.1"}
	c.Banners = nil
	c.ReadTimeout = time.Second
	c.RecheckInterval = time.Second
	return c
}

// start runs decoys for cfg until the test ends, and returns them once
// Run has opened its sockets.
func start(t testing.TB, cfg Config, onTouch func(detect.Touch)) *Decoys {
	t.Helper()
	d, err := New(cfg, onTouch, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	runDecoys(t, d)
	return d
}

func runDecoys(t testing.TB, d *Decoys) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return within 10s of cancel")
		}
	})
	testkit.WaitFor(t, 10*time.Second, "Run to start", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.running
	})
}

func itoa(n uint16) string { return strconv.Itoa(int(n)) }

func holds(d *Decoys, p Port, addr string) bool {
	want := netip.AddrPortFrom(netip.MustParseAddr(addr), p.Num)
	for _, h := range d.Ports() {
		if h.Port == p && h.Addr == want {
			return true
		}
	}
	return false
}

func holdsPort(d *Decoys, p Port) bool {
	for _, h := range d.Ports() {
		if h.Port == p {
			return true
		}
	}
	return false
}

// recheck runs one reconcile now, as the periodic recheck would.
func recheck(d *Decoys) {
	d.mu.Lock()
	d.reconcile()
	d.mu.Unlock()
}

func isRoot() bool { return os.Geteuid() == 0 }
