package testkit

import (
	"net"
	"testing"
)

// FreePort returns a port of network ("tcp" or "udp") that no socket
// holds on host just now. Another socket may take it before the caller
// binds it; tests that cannot afford that bind port 0 instead.
func FreePort(t testing.TB, network, host string) uint16 {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
		if err != nil {
			t.Fatalf("finding a free UDP port on %s: %v", host, err)
		}
		defer c.Close()
		return uint16(c.LocalAddr().(*net.UDPAddr).Port)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatalf("finding a free TCP port on %s: %v", host, err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}
