package honeyport

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// The fixtures in testdata/proc were copied from /proc/net on a
// little-endian Linux while a script held these sockets: TCP listeners on
// 127.0.0.1:3306, [::]:6379 (IPv6 only), [::1]:5432 and [::]:8081 (dual
// stack), a connection to 3306 from an ephemeral port, a TIME_WAIT (added by
// hand), and UDP sockets on 0.0.0.0:161, 127.0.0.53:53, [::]:5060 and a
// client socket connected to 127.0.0.1:9.
func TestReadProcNetFixtures(t *testing.T) {
	socks, err := readProcNet("testdata/proc")
	if err != nil {
		t.Fatal(err)
	}
	held := map[HeldPort]bool{}
	for _, s := range socks {
		if s.holds() {
			held[HeldPort{s.Port, netip.AddrPortFrom(s.Addr, s.Port.Num)}] = true
		}
	}
	want := []HeldPort{
		{tcp(3306), netip.MustParseAddrPort("127.0.0.1:3306")},
		{tcp(2024), netip.MustParseAddrPort("0.0.0.0:2024")},
		{tcp(8081), netip.MustParseAddrPort("[::]:8081")},
		{tcp(6379), netip.MustParseAddrPort("[::]:6379")},
		{tcp(5432), netip.MustParseAddrPort("[::1]:5432")},
		{udp(53), netip.MustParseAddrPort("127.0.0.53:53")},
		{udp(161), netip.MustParseAddrPort("0.0.0.0:161")},
		{udp(44122), netip.MustParseAddrPort("127.0.0.1:44122")},
		{udp(5060), netip.MustParseAddrPort("[::]:5060")},
	}
	for _, w := range want {
		if !held[w] {
			t.Errorf("%v not seen held", w)
		}
		delete(held, w)
	}
	for h := range held {
		t.Errorf("%v held, not expected", h)
	}

	// Connections and TIME_WAIT are parsed but hold nothing.
	var est, tw int
	for _, s := range socks {
		switch s.State {
		case 0x01:
			if s.Port.Proto == detect.ProtoTCP {
				est++
			}
		case 0x06:
			tw++
			if s.Inode != 0 {
				t.Errorf("TIME_WAIT with inode %d", s.Inode)
			}
		}
	}
	if est != 2 || tw != 1 {
		t.Errorf("established %d, time-wait %d; want 2 and 1", est, tw)
	}
	if socks[0].Inode != 130692 {
		t.Errorf("inode of the first socket: %d", socks[0].Inode)
	}
}

func TestReadProcNetWithoutIPv6(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"tcp", "udp"} {
		b, err := os.ReadFile("testdata/proc/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir+"/"+f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := readProcNet(dir); err != nil {
		t.Errorf("kernel without IPv6: %v", err)
	}
	os.Remove(dir + "/tcp")
	if _, err := readProcNet(dir); err == nil {
		t.Error("missing tcp table: no error")
	}
}

func TestParseProcNetRejectsMalformedLines(t *testing.T) {
	const header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	for _, line := range []string{
		"   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0\n",      // too few fields
		"   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n",       // no port
		"   0: 0100007G:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n",  // bad hex
		"   0: 01007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n",    // short address
		"   0: 0100007F:10000 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n", // port too large
		"   0: 0100007F:0CEA 00000000:0000 XX 00000000:00000000 00:00000000 00000000     0        0 1 1\n",  // bad state
		"   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 -1 1\n", // bad inode
	} {
		if _, err := parseProcNet(strings.NewReader(header+line), detect.ProtoTCP); err == nil {
			t.Errorf("accepted %q", line)
		}
	}
}

func TestParseHexAddrPort(t *testing.T) {
	for in, want := range map[string]string{
		"0100007F:0CEA":                         "127.0.0.1:3306",
		"00000000:0017":                         "0.0.0.0:23",
		"00000000000000000000000001000000:1538": "[::1]:5432",
		"0000000000000000FFFF00000100007F:0050": "127.0.0.1:80", // IPv4-mapped, as a dual-stack socket shows it
		"B80D0120000000000000000001000000:01BB": "[2001:db8::1]:443",
	} {
		a, p, err := parseHexAddrPort(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := netip.AddrPortFrom(a, p).String(); got != want {
			t.Errorf("%s = %s, want %s", in, got, want)
		}
	}
}

// FuzzParseProcNet: whatever the bytes, the parser returns sockets or an
// error, never panics, and every socket has a valid address.
func FuzzParseProcNet(f *testing.F) {
	for _, name := range []string{"tcp", "tcp6", "udp", "udp6"} {
		b, err := os.ReadFile("testdata/proc/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		socks, err := parseProcNet(strings.NewReader(string(b)), detect.ProtoTCP)
		if err != nil {
			return
		}
		for _, s := range socks {
			if !s.Addr.IsValid() {
				t.Fatalf("invalid address in %+v", s)
			}
		}
	})
}
