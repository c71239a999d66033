//go:build linux

package honeyport

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// A UDP decoy bound to 0.0.0.0 reports the address the datagram was sent
// to, replies from that address (else a connected client would drop the
// reply), never with more bytes than it got, and within the rate.
func TestUDPTouchAndReply(t *testing.T) {
	port := testkit.FreePort(t, "udp", "0.0.0.0")
	cfg := testConfig(itoa(port) + "/udp")
	cfg.Addresses = []string{"0.0.0.0"}
	cfg.Banners = []string{itoa(port) + "/udp=smtp"}
	cfg.UDPReplyRate = 1
	rec := newRecorder()
	d := start(t, cfg, rec.onTouch)

	// 127.0.0.2 is ours (all of 127/8 is), but not the address the kernel
	// would pick as the source of a reply to 127.0.0.1.
	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2), Port: int(port)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("ping"))
	buf := make([]byte, 1500)
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no reply: %v", err)
	}
	if string(buf[:n]) != "220 " {
		t.Errorf("reply %q, want the banner cut to the 4 bytes asked", buf[:n])
	}
	got := rec.next(t, nil)
	if got.Proto != detect.ProtoUDP || got.Handshake || got.Dst != netip.MustParseAddr("127.0.0.2") ||
		got.Src != netip.MustParseAddr("127.0.0.1") || got.DstPort != port || got.SrcPort != uint16(c.LocalAddr().(*net.UDPAddr).Port) ||
		got.Bytes != 4 || string(got.First) != "ping" || got.Banner != "smtp" {
		t.Errorf("touch %+v", got)
	}

	// The next datagram within the second: a touch, but no reply.
	c.Write([]byte("ping again"))
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c.Read(buf); err == nil {
		t.Errorf("second reply within a second: %q", buf[:n])
	}
	if got := rec.next(t, nil); got.Banner != "" || got.Bytes != 10 {
		t.Errorf("rate-limited touch %+v", got)
	}
	if s := d.Stats(); s.UDPReplies != 1 || s.UDPRepliesLimited != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestUDPRecordsWholeDatagramSize(t *testing.T) {
	port := testkit.FreePort(t, "udp", "127.0.0.1")
	cfg := testConfig(itoa(port) + "/udp")
	cfg.RecordBytes = 16
	rec := newRecorder()
	start(t, cfg, rec.onTouch)
	c, err := net.Dial("udp", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	big := make([]byte, 60000)
	big[0] = 'A'
	c.Write(big)
	c.Write(nil) // an empty datagram is a touch too
	got := rec.next(t, nil)
	if got.Bytes != 60000 || len(got.First) != 16 || got.First[0] != 'A' {
		t.Errorf("touch: %d bytes, first %d", got.Bytes, len(got.First))
	}
	if got := rec.next(t, nil); got.Bytes != 0 || got.First != nil {
		t.Errorf("empty datagram's touch %+v", got)
	}
}

// A forged request from a privileged port would start a reply loop with a
// real service: no reply.
func TestUDPNoReplyToPrivilegedPort(t *testing.T) {
	if !isRoot() {
		t.Skip("binding a source port below 1024 needs root")
	}
	port := testkit.FreePort(t, "udp", "127.0.0.1")
	cfg := testConfig(itoa(port) + "/udp")
	cfg.Banners = []string{itoa(port) + "/udp=ssh"}
	rec := newRecorder()
	start(t, cfg, rec.onTouch)
	var c *net.UDPConn
	var err error
	for sp := 1000; sp > 900; sp-- { // a free privileged port
		if c, err = net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sp}, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: int(port)}); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("SSH-2.0-x\r\n"))
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := c.Read(make([]byte, 100)); err == nil {
		t.Error("replied to a privileged source port")
	}
	if got := rec.next(t, nil); got.Banner != "" {
		t.Errorf("touch %+v", got)
	}
}

func TestPktinfoUnicast(t *testing.T) {
	a := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	for _, c := range []struct {
		p    pktinfo
		want bool
	}{
		{pktinfo{}, true}, // bound to one address
		{pktinfo{dst: a("198.18.0.1"), specDst: a("198.18.0.1"), known: true}, true},
		{pktinfo{dst: a("198.18.0.255"), specDst: a("198.18.0.1"), known: true}, false}, // subnet broadcast
		{pktinfo{dst: a("255.255.255.255"), specDst: a("255.255.255.255"), known: true}, false},
		{pktinfo{dst: a("239.255.255.250"), specDst: a("239.255.255.250"), known: true}, false},
		{pktinfo{dst: a("ff02::1"), specDst: a("ff02::1"), known: true}, false},
		{pktinfo{dst: a("2001:2::1"), specDst: a("2001:2::1"), known: true}, true},
	} {
		if got := c.p.unicastToUs(); got != c.want {
			t.Errorf("%+v: %v", c.p, got)
		}
	}
	for src, want := range map[string]bool{
		"198.18.0.1:40000": true, "198.18.0.1:1023": false, "198.18.0.1:0": false,
		"0.0.0.0:40000": false, "255.255.255.255:40000": false, "[ff02::1]:40000": false, "[2001:2::1]:50000": true,
	} {
		if got := mayReplyTo(netip.MustParseAddrPort(src)); got != want {
			t.Errorf("mayReplyTo(%s) = %v", src, got)
		}
	}
}

// sourceOOB and parsePktinfo agree on the layout of the control messages.
func TestSourceOOBRoundTrip(t *testing.T) {
	for _, s := range []string{"198.18.0.7", "2001:2::7"} {
		a := netip.MustParseAddr(s)
		p := parsePktinfo(sourceOOB(a))
		if !p.known {
			t.Fatalf("%s: not parsed", s)
		}
		got := p.specDst // IPv4 puts the source in spec_dst
		if a.Is6() {
			got = p.dst
		}
		if got != a {
			t.Errorf("%s came back as %s", s, got)
		}
	}
}
