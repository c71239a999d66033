package allowlist

import (
	"net/netip"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

func TestSourcesV4AndCIDREdges(t *testing.T) {
	l := mustList(t, `
rules:
  - {name: host, sources: [10.0.0.5]}
  - {name: net, sources: [10.9.0.0/24]}
  - {name: top, sources: [255.255.255.255/32]}
  - {name: bottom, sources: [0.0.0.0]}
  - {name: mapped, sources: ["::ffff:172.16.0.0/108"]}
`)
	for _, c := range []struct {
		src  string
		want string
	}{
		{"10.0.0.5", "host"},
		{"10.0.0.4", ""},
		{"10.0.0.6", ""},
		{"10.9.0.0", "net"},
		{"10.9.0.255", "net"},
		{"10.8.255.255", ""},
		{"10.9.1.0", ""},
		{"255.255.255.255", "top"},
		{"255.255.255.254", ""},
		{"0.0.0.0", "bottom"},
		{"0.0.0.1", ""},
		{"172.16.3.4", "mapped"},
		{"172.31.255.255", "mapped"},
		{"172.32.0.0", ""},
		{"::ffff:10.0.0.5", "host"}, // an IPv4-mapped source is its IPv4 address
		{"::a00:5", ""},             // 10.0.0.5's bits in IPv6 are another address
	} {
		if got := authorize(l, tcp(c.src, 80)); got.rule != c.want || got.inScope != (c.want != "") {
			t.Errorf("%s: got %+v, want rule %q", c.src, got, c.want)
		}
	}
}

func TestSourcesV6AndCIDREdges(t *testing.T) {
	l := mustList(t, `
rules:
  - {name: net, sources: ["2001:db8::/64"]}
  - {name: host, sources: ["2001:db8:1::7"]}
  - {name: top, sources: ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"]}
  - {name: wide, sources: ["2001:db8:8000::/33"]}
`)
	for _, c := range []struct{ src, want string }{
		{"2001:db8::", "net"},
		{"2001:db8::ffff:ffff:ffff:ffff", "net"},
		{"2001:db8:0:1::", ""},
		{"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", ""},
		{"2001:db8:1::7", "host"},
		{"2001:db8:1::8", ""},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "top"},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:feff", ""},
		{"2001:db8:8000::", "wide"},
		{"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "wide"},
		{"2001:db8:7fff:ffff:ffff:ffff:ffff:ffff", ""},
		{"2001:db9::", ""},
		{"10.0.0.5", ""},
	} {
		dst := "2001:db8:f::1"
		if got := authorize(l, probe(c.src, dst, detect.ProtoTCP, 80, anyTime)); got.rule != c.want {
			t.Errorf("%s: got %+v, want rule %q", c.src, got, c.want)
		}
	}
}

// TestEverythingAndNothing: /0 covers a whole family, and no rules cover
// nothing.
func TestEverythingAndNothing(t *testing.T) {
	l := mustList(t, "rules:\n  - {name: all4, sources: [0.0.0.0/0]}\n  - {name: all6, sources: [\"::/0\"]}\n")
	for src, want := range map[string]string{"1.2.3.4": "all4", "255.255.255.255": "all4", "::": "all6", "2001:db8::1": "all6"} {
		if got := authorize(l, tcp(src, 1)); got != (verdict{want, true}) {
			t.Errorf("%s: %+v", src, got)
		}
	}
	empty := mustList(t, "rules: []\n")
	if got := authorize(empty, tcp("1.2.3.4", 1)); got != (verdict{}) {
		t.Errorf("no rules: %+v", got)
	}
	var none *List
	if got := authorize(none, tcp("1.2.3.4", 1)); got != (verdict{}) {
		t.Errorf("nil list: %+v", got)
	}
	if got := authorize(l, &detect.Probe{}); got != (verdict{}) {
		t.Errorf("zero probe: %+v", got)
	}
}

func TestPortsAndProtocols(t *testing.T) {
	l := mustList(t, `
rules:
  - {name: low, sources: [10.0.0.1], ports: [tcp/1-1024, udp/53]}
  - {name: list, sources: [10.0.0.2], ports: ["tcp/22,80, 8000-8100", sctp/38412]}
  - {name: ping, sources: [10.0.0.3], ports: [icmp/8]}
  - {name: icmp, sources: [10.0.0.4], ports: [icmp]}
  - {name: icmp6, sources: [10.0.0.5], ports: [icmpv6]}
  - {name: gre, sources: [10.0.0.6], ports: [ip/47, tcp]}
  - {name: any, sources: [10.0.0.7], ports: [tcp/80, any]}
  - {name: allip, sources: [10.0.0.8], ports: [ip]}
`)
	for _, c := range []struct {
		src   string
		proto uint8
		port  uint16
		in    bool
	}{
		{"10.0.0.1", detect.ProtoTCP, 1, true},
		{"10.0.0.1", detect.ProtoTCP, 1024, true},
		{"10.0.0.1", detect.ProtoTCP, 1025, false},
		{"10.0.0.1", detect.ProtoTCP, 0, false},
		{"10.0.0.1", detect.ProtoUDP, 53, true},
		{"10.0.0.1", detect.ProtoUDP, 54, false},
		{"10.0.0.1", detect.ProtoSCTP, 53, false},
		{"10.0.0.2", detect.ProtoTCP, 22, true},
		{"10.0.0.2", detect.ProtoTCP, 23, false},
		{"10.0.0.2", detect.ProtoTCP, 8000, true},
		{"10.0.0.2", detect.ProtoTCP, 8100, true},
		{"10.0.0.2", detect.ProtoTCP, 8101, false},
		{"10.0.0.2", detect.ProtoSCTP, 38412, true},
		{"10.0.0.3", detect.ProtoICMP, 8, true},
		{"10.0.0.3", detect.ProtoICMP, 13, false}, // timestamp request
		{"10.0.0.3", detect.ProtoICMPv6, 8, true},
		{"10.0.0.4", detect.ProtoICMP, 17, true},
		{"10.0.0.4", detect.ProtoICMPv6, 128, true},
		{"10.0.0.4", detect.ProtoTCP, 80, false},
		{"10.0.0.5", detect.ProtoICMP, 8, false},
		{"10.0.0.5", detect.ProtoICMPv6, 128, true},
		{"10.0.0.6", 47, 0, true},
		{"10.0.0.6", 50, 0, false},
		{"10.0.0.6", detect.ProtoTCP, 65535, true},
		{"10.0.0.7", detect.ProtoUDP, 9, true},
		{"10.0.0.8", 255, 0, true},
	} {
		got := authorize(l, probe(c.src, "192.0.2.1", c.proto, c.port, anyTime))
		if got.rule == "" || got.inScope != c.in {
			t.Errorf("%s proto %d port %d: got %+v, want in scope %v", c.src, c.proto, c.port, got, c.in)
		}
	}
}

func TestTargets(t *testing.T) {
	l := mustList(t, `rules: [{name: t, sources: [10.0.0.1], targets: [192.0.2.0/25, 198.51.100.7, "2001:db8::/127"]}]`)
	for dst, in := range map[string]bool{
		"192.0.2.0": true, "192.0.2.127": true, "192.0.2.128": false,
		"198.51.100.7": true, "198.51.100.8": false,
		"2001:db8::1": true, "2001:db8::2": false, "10.0.0.1": false,
	} {
		if got := authorize(l, probe("10.0.0.1", dst, detect.ProtoTCP, 80, anyTime)); got != (verdict{"t", in}) {
			t.Errorf("target %s: %+v, want in scope %v", dst, got, in)
		}
	}
}

// TestSeveralRulesCoverASource: a probe in scope of any covering rule is in
// scope, attributed to the first such rule in file order; one in scope of
// none is charged to the first covering rule, however the prefixes nest.
func TestSeveralRulesCoverASource(t *testing.T) {
	l := mustList(t, `
rules:
  - {name: wide-ssh, sources: [10.0.0.0/8], ports: [tcp/22]}
  - {name: web, sources: [10.1.0.0/16], ports: [tcp/80]}
  - {name: dns, sources: [10.1.2.3], ports: [udp/53]}
  - {name: web-again, sources: [10.1.2.0/24], ports: [tcp/80, tcp/443]}
  - {name: dns-too, sources: [10.1.2.3], ports: [udp/53]}
`)
	for _, c := range []struct {
		src   string
		proto uint8
		port  uint16
		want  verdict
	}{
		{"10.1.2.3", detect.ProtoTCP, 22, verdict{"wide-ssh", true}},
		{"10.1.2.3", detect.ProtoTCP, 80, verdict{"web", true}},
		{"10.1.2.3", detect.ProtoTCP, 443, verdict{"web-again", true}},
		{"10.1.2.3", detect.ProtoUDP, 53, verdict{"dns", true}},
		{"10.1.2.3", detect.ProtoTCP, 8080, verdict{"wide-ssh", false}},
		{"10.1.2.4", detect.ProtoUDP, 53, verdict{"wide-ssh", false}},
		{"10.1.2.4", detect.ProtoTCP, 443, verdict{"web-again", true}},
		{"10.1.3.4", detect.ProtoTCP, 443, verdict{"wide-ssh", false}},
		{"10.2.0.1", detect.ProtoTCP, 80, verdict{"wide-ssh", false}},
		{"11.0.0.1", detect.ProtoTCP, 22, verdict{}},
	} {
		if got := authorize(l, probe(c.src, "192.0.2.1", c.proto, c.port, anyTime)); got != c.want {
			t.Errorf("%s %d/%d: got %+v, want %+v", c.src, c.proto, c.port, got, c.want)
		}
	}
	// Order decides, not nesting: the inner prefix's rule comes first here.
	l = mustList(t, `
rules:
  - {name: inner, sources: [10.1.2.3], ports: [tcp/80]}
  - {name: outer, sources: [10.0.0.0/8], ports: [tcp/80]}
`)
	if got := authorize(l, tcp("10.1.2.3", 80)); got != (verdict{"inner", true}) {
		t.Errorf("got %+v", got)
	}
	if got := authorize(l, tcp("10.1.2.3", 81)); got != (verdict{"inner", false}) {
		t.Errorf("got %+v", got)
	}
}

// TestARPIsJudgedByTimeOnly: an ARP request precedes every IP packet on a
// link, to targets and gateway alike, so targets and ports do not apply to
// it; schedule and expiry do.
func TestARPIsJudgedByTimeOnly(t *testing.T) {
	l := mustList(t, `rules: [{name: r, sources: [10.0.0.1], targets: [10.0.0.2], ports: [tcp/22], schedule: {weekly: ["Sun 07:00-09:00"]}}]`)
	arp := func(dst string, when string) verdict {
		return authorize(l, &detect.Probe{Time: at(when), Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr(dst),
			Proto: detect.ProtoARP, DstPort: detect.ARPPort, Technique: detect.TechARP})
	}
	if got := arp("10.0.0.254", "2026-11-29T07:50:00Z"); got != (verdict{"r", true}) {
		t.Errorf("ARP for the gateway in the window: %+v", got)
	}
	if got := arp("10.0.0.2", "2026-11-29T10:00:00Z"); got != (verdict{"r", false}) {
		t.Errorf("ARP outside the window: %+v", got)
	}
}
