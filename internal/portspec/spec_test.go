package portspec

import (
	"reflect"
	"testing"
)

func TestParseValid(t *testing.T) {
	r := func(lo, hi uint16) Range { return Range{lo, hi} }
	for _, c := range []struct {
		in   string
		want Spec
	}{
		{"23", Spec{None, []Range{r(23, 23)}}},
		{"8000-8010", Spec{None, []Range{r(8000, 8010)}}},
		{"22,80", Spec{None, []Range{r(22, 22), r(80, 80)}}},
		{"23/tcp", Spec{TCP, []Range{r(23, 23)}}},
		{"tcp/23", Spec{TCP, []Range{r(23, 23)}}},
		{" 161/UDP ", Spec{UDP, []Range{r(161, 161)}}},
		{"UDP/161", Spec{UDP, []Range{r(161, 161)}}},
		{"8000-8010/tcp", Spec{TCP, []Range{r(8000, 8010)}}},
		{"tcp/8000-8010", Spec{TCP, []Range{r(8000, 8010)}}},
		{"tcp/22,80,443", Spec{TCP, []Range{r(22, 22), r(80, 80), r(443, 443)}}},
		{"22,80/tcp", Spec{TCP, []Range{r(22, 22), r(80, 80)}}},
		{"tcp / 22 , 80 - 81", Spec{TCP, []Range{r(22, 22), r(80, 81)}}},
		{"tcp/0-65535", Spec{TCP, []Range{r(0, 65535)}}},
		{"100-100/tcp", Spec{TCP, []Range{r(100, 100)}}},
		{"sctp/9899", Spec{SCTP, []Range{r(9899, 9899)}}},
		{"icmp/8", Spec{ICMP, []Range{r(8, 8)}}},
		{"8/icmp", Spec{ICMP, []Range{r(8, 8)}}},
		{"icmpv6/128-129", Spec{ICMPv6, []Range{r(128, 129)}}},
		{"ip/47", Spec{IP, []Range{r(47, 47)}}},
		{"47/ip", Spec{IP, []Range{r(47, 47)}}},
		{"tcp", Spec{TCP, nil}},
		{"Icmp", Spec{ICMP, nil}},
		{"ip", Spec{IP, nil}},
		{"any", Spec{Any, nil}},
		{"ANY", Spec{Any, nil}},
	} {
		got, err := Parse(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

// TestParseErrors: each error quotes the spec, names the bad part and says
// what was expected.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", `"": empty: expected a protocol, ports or both, such as tcp/22, 8000-8010/tcp or udp/53`},
		{"  ", `"  ": empty: expected a protocol, ports or both`},
		{"tcpp/80", `"tcpp/80": unknown protocol "tcpp" (expected tcp, udp, sctp, icmp or icmpv6, optionally with /PORTS, ip/PROTOCOL, or any)`},
		{"80/tcpp", `"80/tcpp": unknown protocol "tcpp" (expected tcp, udp, sctp, icmp or icmpv6`},
		{"http", `"http": unknown protocol "http"`},
		{"tcp/http", `"tcp/http": "http" is not a port`},
		{"http/tcp", `"http/tcp": "http" is not a port`},
		{"tcp/70000", `"tcp/70000": port 70000 is out of range (0-65535)`},
		{"65536", `"65536": port 65536 is out of range (0-65535)`},
		{"1-70000", `"1-70000": port 70000 is out of range (0-65535)`},
		{"tcp/1024-1", `"tcp/1024-1": range 1024-1 runs backwards`},
		{"10-1/udp", `"10-1/udp": range 10-1 runs backwards`},
		{"tcp/80-", `"tcp/80-": a port is missing`},
		{"1-", `"1-": a port is missing`},
		{"-1", `"-1": a port is missing`},
		{"tcp/22,,80", `"tcp/22,,80": a port is missing`},
		{"1-2-3", `"1-2-3": "2-3" is not a port`},
		{"a-b/tcp", `"a-b/tcp": "a" is not a port`},
		{"tcp/", `"tcp/": nothing after "tcp/"`},
		{"23/", `"23/": nothing after "23/"`},
		{"/tcp", `"/tcp": nothing before "/tcp"`},
		{"tcp/22/udp", `"tcp/22/udp": more than one "/": expected PROTOCOL/PORTS or PORTS/PROTOCOL`},
		{"icmp/300", `"icmp/300": ICMP type 300 is out of range (0-255)`},
		{"ip/256", `"ip/256": IP protocol 256 is out of range (0-255)`},
		{"ip/gre", `"ip/gre": "gre" is not an IP protocol`},
		{"any/80", `"any/80": any takes no ports`},
		{"80/any", `"80/any": any takes no ports`},
	} {
		_, err := Parse(c.in)
		if err == nil || !hasPrefix(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error starting %q", c.in, err, c.want)
		}
	}
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

func TestCount(t *testing.T) {
	s, err := Parse("tcp/22,80-89,0")
	if err != nil || s.Count() != 12 {
		t.Errorf("Count = %d, %v; want 12", s.Count(), err)
	}
	if n := (Spec{Proto: TCP}).Count(); n != 0 {
		t.Errorf("every port: Count = %d, want 0 (no list)", n)
	}
}

func TestProtocolString(t *testing.T) {
	for p, want := range map[Protocol]string{TCP: "tcp", UDP: "udp", ICMPv6: "icmpv6", IP: "ip", Any: "any", None: "none"} {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", p, got, want)
		}
	}
}
