package enrich

import (
	"net/netip"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/netset"
)

func TestDirection(t *testing.T) {
	internal, err := netset.Parse(netset.DefaultInternal())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, src, dst string
		hosts          []string
		want           string
	}{
		{"inbound", "203.0.113.5", "10.0.0.2", nil, DirInbound},
		{"outbound", "192.168.1.9", "198.51.100.1", nil, DirOutbound},
		{"internal", "10.1.1.1", "172.16.4.4", nil, DirInternal},
		{"external: a transit tap", "203.0.113.5", "198.51.100.1", nil, DirExternal},
		{"inbound IPv6", "2001:db8::1", "fd12::2", nil, DirInbound},
		{"internal IPv6 link-local", "fe80::1", "fe80::2", nil, DirInternal},
		{"mapped source is IPv4", "::ffff:10.0.0.1", "10.0.0.2", nil, DirInternal},
		{"CGNAT is internal", "100.64.3.3", "10.0.0.2", nil, DirInternal},
		{"sweep of internal hosts", "203.0.113.5", "", []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"}, DirInbound},
		{"sweep of external hosts from inside", "10.0.0.9", "", []string{"198.51.100.1", "198.51.100.2"}, DirOutbound},
		{"sweep across both sides", "203.0.113.5", "", []string{"10.0.0.1", "198.51.100.2"}, DirUnknown},
		{"no target named", "203.0.113.5", "", nil, DirUnknown},
		{"destination wins over the sample", "203.0.113.5", "10.0.0.1", []string{"198.51.100.2"}, DirInbound},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := alert(detect.ActionPortscan, c.src, c.dst, c.hosts...)
			if got := direction(&internal, netip.MustParseAddr(c.src), a); got != c.want {
				t.Errorf("direction %s → %s %v = %s, want %s", c.src, c.dst, c.hosts, got, c.want)
			}
		})
	}
}

// With no internal network configured, everything is external.
func TestDirectionNothingInternal(t *testing.T) {
	e := mustNew(t, Config{})
	a := alert(detect.ActionPortscan, "10.0.0.1", "10.0.0.2")
	e.Apply(a)
	if a.Network.Direction != DirExternal || a.Threat.Technique.ID[0] != "T1595" {
		t.Errorf("direction %s, technique %v", a.Network.Direction, a.Threat.Technique.ID)
	}
}
