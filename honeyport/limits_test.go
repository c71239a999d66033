//go:build linux

package honeyport

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

func TestConnLimitsUnit(t *testing.T) {
	l := newConnLimits(3, 2)
	conns := make([]net.Conn, 5)
	for i := range conns {
		a, b := net.Pipe()
		defer a.Close()
		defer b.Close()
		conns[i] = a
	}
	a1 := netip.MustParseAddr("2001:db8:1:1::1")
	a2 := netip.MustParseAddr("2001:db8:1:1::ffff") // same /64: same source
	b := netip.MustParseAddr("198.18.0.1")
	if !l.acquire(a1, conns[0]) || !l.acquire(a2, conns[1]) {
		t.Fatal("first two refused")
	}
	if l.acquire(netip.MustParseAddr("2001:db8:1:1::2"), conns[2]) {
		t.Error("a third connection from the same /64 admitted")
	}
	if !l.acquire(b, conns[2]) {
		t.Fatal("another source refused under the global cap")
	}
	if l.acquire(netip.MustParseAddr("198.18.0.2"), conns[3]) {
		t.Error("admitted over the global cap")
	}
	if active, rejected := l.counts(); active != 3 || rejected != 2 {
		t.Errorf("active %d rejected %d", active, rejected)
	}
	l.release(a1, conns[0])
	l.release(a1, conns[0]) // twice: no effect
	if !l.acquire(netip.MustParseAddr("2001:db8:1:1::3"), conns[3]) {
		t.Error("released slot not reusable")
	}
	if len(l.bySource) != 2 {
		t.Errorf("per-source map has %d entries, want 2", len(l.bySource))
	}
	l.closeAll()
	if l.acquire(netip.MustParseAddr("198.18.0.9"), conns[4]) {
		t.Error("admitted after closeAll")
	}
	if _, err := conns[1].Write([]byte("x")); err == nil {
		t.Error("closeAll left a connection open")
	}
}

// On the wire: over the per-source cap a connection is reset at once but is
// still a touch; another source is admitted; over the global cap everyone
// is reset.
func TestCapsOnTheWire(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.MaxConns = 3
	cfg.MaxConnsPerSource = 2
	cfg.ReadTimeout = 5 * time.Second
	rec := newRecorder()
	d := start(t, cfg, rec.onTouch)

	// dial returns nil if the decoy's reset came before the dial
	// returned, which loopback makes likely.
	dial := func(src string) net.Conn {
		t.Helper()
		dl := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
		c, err := dl.Dial("tcp", "127.0.0.1:"+itoa(port))
		if errors.Is(err, syscall.ECONNRESET) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// reset reports whether the decoy closed c at once.
	reset := func(c net.Conn) bool {
		if c == nil {
			return true
		}
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		return err != nil && !isTimeout(err)
	}
	holding := []net.Conn{dial("127.0.0.1"), dial("127.0.0.1")}
	testkit.WaitFor(t, 10*time.Second, "two active connections", func() bool { return d.Stats().ActiveConns == 2 })
	if !reset(dial("127.0.0.1")) {
		t.Error("third connection from one source not reset")
	}
	if got := rec.next(t, nil); !got.Handshake || got.Src != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("rejected connection's touch: %+v", got)
	}
	other := dial("127.0.0.2")
	if reset(other) {
		t.Error("another source reset under the global cap")
	}
	if !reset(dial("127.0.0.3")) {
		t.Error("connection over the global cap not reset")
	}
	rec.next(t, func(tc detect.Touch) bool { return tc.Src == netip.MustParseAddr("127.0.0.3") })
	s := d.Stats()
	if s.ActiveConns != 3 || s.Rejected != 2 {
		t.Errorf("stats %+v", s)
	}
	for _, c := range append(holding, other) {
		c.Close()
	}
	testkit.WaitFor(t, 10*time.Second, "connections released", func() bool { return d.Stats().ActiveConns == 0 })
	c := dial("127.0.0.1")
	c.Write([]byte("again"))
	c.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, c)
	rec.next(t, func(tc detect.Touch) bool { return string(tc.First) == "again" })
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func TestReplyLimiter(t *testing.T) {
	r := newReplyLimiter(2)
	now := r.start.Add(time.Hour)
	a := netip.MustParseAddr("198.18.0.1")
	for i := range 2 {
		if !r.allow(a, now) {
			t.Fatalf("reply %d of a burst of 2 refused", i+1)
		}
	}
	if r.allow(a, now) {
		t.Error("third reply in the same instant allowed")
	}
	if !r.allow(a, now.Add(500*time.Millisecond)) {
		t.Error("refilled token refused")
	}
	if r.allow(a, now.Add(500*time.Millisecond)) {
		t.Error("more than the rate allowed")
	}

	// Spoofing many sources buys at most globalReplyFactor x rate.
	r = newReplyLimiter(1)
	allowed := 0
	for i := range 10000 {
		if r.allow(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), now) {
			allowed++
		}
	}
	if allowed != globalReplyFactor {
		t.Errorf("%d replies to distinct sources in one instant, want %d", allowed, globalReplyFactor)
	}

	r = newReplyLimiter(0)
	if r.allow(a, now) {
		t.Error("rate 0 allowed a reply")
	}
}
