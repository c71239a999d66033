//go:build linux

package honeyport

import (
	"bytes"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

func TestTCPTouchIPv4AndIPv6(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.Addresses = []string{"127.0.0.1", "::1"}
	rec := newRecorder()
	d := start(t, cfg, rec.onTouch)
	if !holds(d, tcp(port), "127.0.0.1") {
		t.Fatalf("not holding %d: %v", port, d.Ports())
	}
	v6 := holds(d, tcp(port), "::1")

	var firsts [][]byte
	for _, addr := range []string{"127.0.0.1", "::1"} {
		if addr == "::1" && !v6 {
			t.Log("no IPv6 loopback here; IPv6 not checked")
			continue
		}
		c, err := net.Dial("tcp", net.JoinHostPort(addr, itoa(port)))
		if err != nil {
			t.Fatal(err)
		}
		local := c.LocalAddr().(*net.TCPAddr).AddrPort()
		c.Write([]byte("hello"))
		c.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c) // until the decoy closes
		c.Close()

		got := rec.next(t, nil)
		want := detect.Touch{
			Time: got.Time, Src: netip.MustParseAddr(addr), Dst: netip.MustParseAddr(addr),
			SrcPort: local.Port(), DstPort: port, Proto: detect.ProtoTCP, Handshake: true,
			Bytes: 5, First: []byte("hello"),
		}
		if got.Src != want.Src || got.Dst != want.Dst || got.SrcPort != want.SrcPort || got.DstPort != want.DstPort ||
			got.Proto != want.Proto || !got.Handshake || got.Passive || got.Bytes != 5 || string(got.First) != "hello" || got.Banner != "" {
			t.Errorf("touch\n got %+v\nwant %+v", got, want)
		}
		if time.Since(got.Time) > 5*time.Second || got.Time.After(time.Now()) {
			t.Errorf("touch time %v is not the wall clock of the accept", got.Time)
		}
		firsts = append(firsts, got.First)
	}
	if len(firsts) == 2 {
		firsts[0][0] = 'X'
		if firsts[1][0] == 'X' {
			t.Error("two touches share First's backing array")
		}
	}
}

// A connect scan's touch: handshake, nothing sent, closed by the client.
func TestTCPConnectOnly(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	rec := newRecorder()
	start(t, testConfig(itoa(port)), rec.onTouch)
	c, err := net.Dial("tcp", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// That it comes without waiting for the deadline is timed exactly by
	// TestConverseEndsWhenClientCloses.
	got := rec.next(t, nil)
	if !got.Handshake || got.Bytes != 0 || got.First != nil {
		t.Errorf("touch %+v", got)
	}
}

func TestRecordLimitAndCount(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.RecordBytes = 8
	rec := newRecorder()
	start(t, cfg, rec.onTouch)
	c, err := net.Dial("tcp", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	payload := bytes.Repeat([]byte("0123456789"), 300)
	c.Write(payload)
	c.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, c)
	c.Close()
	got := rec.next(t, nil)
	if string(got.First) != "01234567" || got.Bytes != len(payload) || cap(got.First) != 8 {
		t.Errorf("First %q (cap %d), Bytes %d; want the first 8 bytes and %d", got.First, cap(got.First), got.Bytes, len(payload))
	}
}

// A client that says nothing and never closes is cut off at read_timeout,
// and its touch arrives then.
func TestSlowClientDeadline(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.ReadTimeout = 300 * time.Millisecond
	cfg.Banners = []string{itoa(port) + "=ssh"}
	rec := newRecorder()
	d := start(t, cfg, rec.onTouch)
	c, err := net.Dial("tcp", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	began := time.Now()
	c.Write([]byte("S")) // one byte, then silence: a slowloris
	got := rec.next(t, nil)
	// Not before the deadline, less a margin for the decoy's clock, which
	// starts at accept; that it comes at the deadline exactly is
	// TestConverseCutsSlowClientAtDeadline's to check, on a fake clock.
	if took := time.Since(began); took < cfg.ReadTimeout-50*time.Millisecond {
		t.Errorf("touch after %v, before the %v deadline", took, cfg.ReadTimeout)
	}
	if got.Bytes != 1 || got.Banner != "ssh" {
		t.Errorf("touch %+v", got)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n" {
		t.Errorf("client read %q, %v; want the greeting then EOF", b, err)
	}
	testkit.WaitFor(t, 10*time.Second, "the connection to be released", func() bool { return d.Stats().ActiveConns == 0 })
}
