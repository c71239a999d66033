package allowlist

import (
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// TestPortsEitherOrder: a spec in either order, with a range or a comma
// list, covers the same probes.
func TestPortsEitherOrder(t *testing.T) {
	type probe struct {
		proto uint8
		port  uint16
	}
	in := []probe{{detect.ProtoTCP, 22}, {detect.ProtoTCP, 80}, {detect.ProtoTCP, 8005}, {detect.ProtoUDP, 53}, {detect.ProtoICMP, 8}, {detect.ProtoICMPv6, 8}}
	out := []probe{{detect.ProtoTCP, 23}, {detect.ProtoUDP, 22}, {detect.ProtoTCP, 53}, {detect.ProtoICMP, 0}, {detect.ProtoSCTP, 80}}
	for _, entries := range [][]string{
		{"tcp/22,80", "tcp/8000-8010", "udp/53", "icmp/8"},
		{"22,80/tcp", "8000-8010/tcp", "53/udp", "8/icmp"},
		{"TCP/22", "80/tcp", "tcp / 8000 - 8010", "53/UDP", "icmp/8"},
	} {
		set, errs := parsePorts(entries)
		if len(errs) > 0 {
			t.Fatalf("%q: %v", entries, errs)
		}
		for _, p := range in {
			if !set.contains(p.proto, p.port) {
				t.Errorf("%q: %d/%d not covered", entries, p.port, p.proto)
			}
		}
		for _, p := range out {
			if set.contains(p.proto, p.port) {
				t.Errorf("%q: %d/%d covered", entries, p.port, p.proto)
			}
		}
	}
	for entry, want := range map[string]string{
		"22,80":    `ports[0]: "22,80": a port needs its protocol, such as "tcp/22,80" or "udp/22,80"`,
		"80/tcpp":  `ports[0]: "80/tcpp": unknown protocol "tcpp"`,
		"10-5/udp": `ports[0]: "10-5/udp": range 10-5 runs backwards`,
	} {
		if _, errs := parsePorts([]string{entry}); len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) {
			t.Errorf("%q: %v, want %q", entry, errs, want)
		}
	}
}
