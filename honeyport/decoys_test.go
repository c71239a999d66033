//go:build linux

package honeyport

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// A callback that blocks costs touches, counted, never the listeners: new
// connections are still accepted and closed on time.
func TestSlowConsumerDropsNeverBlocks(t *testing.T) {
	tp, up := testkit.FreePort(t, "tcp", "127.0.0.1"), testkit.FreePort(t, "udp", "127.0.0.1")
	release := make(chan struct{})
	d := start(t, testConfig(itoa(tp), itoa(up)+"/udp"), func(detect.Touch) { <-release })
	defer close(release)

	c, err := net.Dial("udp", "127.0.0.1:"+itoa(up))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Send until the queue overflows; pauses let the socket buffer drain
	// into the decoy, so that datagrams are not lost before it.
	for deadline := time.Now().Add(20 * time.Second); d.Stats().TouchesDropped == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("no touch dropped: %+v", d.Stats())
		}
		for range 64 {
			c.Write([]byte("x"))
		}
		time.Sleep(time.Millisecond)
	}

	for range 20 {
		conn, err := net.Dial("tcp", "127.0.0.1:"+itoa(tp))
		if err != nil {
			t.Fatal(err)
		}
		conn.Close()
	}
	testkit.WaitFor(t, 10*time.Second, "connections to finish despite the stuck callback", func() bool { return d.Stats().ActiveConns == 0 })
	t.Logf("stats with a stuck consumer: %+v", d.Stats())
}

// Cancelling Run closes sockets and open connections at once, not at their
// deadline, and leaves no goroutine behind; touches still queued are
// delivered.
func TestRunShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.ReadTimeout = time.Minute
	rec := newRecorder()
	d, err := New(cfg, rec.onTouch, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	testkit.WaitFor(t, 10*time.Second, "the decoy", func() bool { return holdsPort(d, tcp(port)) })
	for range 5 {
		c, err := net.Dial("tcp", "127.0.0.1:"+itoa(port))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close() // open until the test ends, through the shutdown
	}
	testkit.WaitFor(t, 10*time.Second, "5 connections", func() bool { return d.Stats().ActiveConns == 5 })

	began := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run waited for the connections' deadline")
	}
	t.Logf("shutdown with 5 open connections took %v", time.Since(began))
	for range 5 {
		rec.next(t, nil)
	}
	if _, err := net.Dial("tcp", "127.0.0.1:"+itoa(port)); err == nil {
		t.Error("listener still open after Run returned")
	}
	testkit.WaitFor(t, 10*time.Second, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
	if err := d.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("second Run: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New(testConfig("x"), func(detect.Touch) {}, nil); err == nil {
		t.Error("invalid configuration accepted")
	}
	if _, err := New(testConfig(), nil, nil); err == nil {
		t.Error("nil callback accepted")
	}
}

// Disabled decoys hold nothing and Run still serves until cancelled, so a
// Reload can enable them.
func TestDisabledHoldsNothing(t *testing.T) {
	cfg := testConfig("auto")
	cfg.Enabled = false
	d := start(t, cfg, func(detect.Touch) {})
	if len(d.Ports()) != 0 {
		t.Errorf("disabled, holding %v", d.Ports())
	}
}

// Open binds before Run, for a caller that drops privileges in between;
// Run then serves what Open bound.
func TestOpenThenRun(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	rec := newRecorder()
	d, err := New(testConfig(itoa(port)), rec.onTouch, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Open(); err != nil {
		t.Fatal(err)
	}
	if !holdsPort(d, tcp(port)) {
		t.Fatalf("Open bound nothing: %v", d.Ports())
	}
	if err := d.Open(); err != nil {
		t.Errorf("second Open: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	c, err := net.Dial("tcp", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	rec.next(t, nil)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := d.Open(); err == nil {
		t.Error("Open after Run returned: no error")
	}
}
