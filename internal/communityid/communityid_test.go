package communityid

import (
	"net/netip"
	"testing"
)

// TestVectors checks the specification's published test vectors (as Zeek's
// test suite carries them), with seeds 0 and 1.
func TestVectors(t *testing.T) {
	v4a, v4b := netip.MustParseAddr("1.2.3.4"), netip.MustParseAddr("5.6.7.8")
	v6a := netip.MustParseAddr("fe80:0001:0203:0405:0607:0809:0A0B:0C0D")
	v6b := netip.MustParseAddr("fe80:1011:1213:1415:1617:1819:1A1B:1C1D")
	cases := []struct {
		f    Flow
		seed uint16
		want string
	}{
		{Flow{v4a, v4b, 6, 1122, 3344}, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
		{Flow{v4a, v4b, 17, 1122, 3344}, 0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg="},
		{Flow{v4a, v4b, 1, 8, 0}, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
		{Flow{v6a, v6b, 58, 128, 0}, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo="},
		{Flow{v4a, v4b, 10, 0, 0}, 0, "1:7bYuQ7nyGBIQn7uDcQ5WraAnhWI="},
		{Flow{v4a, v4b, 6, 1122, 3344}, 1, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk="},
		{Flow{v4a, v4b, 17, 1122, 3344}, 1, "1:OShq+iKDAMVouh/4bMxB9Sz4amw="},
		{Flow{v4a, v4b, 1, 8, 0}, 1, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU="},
		{Flow{v6a, v6b, 58, 128, 0}, 1, "1:IO27GQzPuCtNnwFvjWALMHu5tJE="},
		{Flow{v6a, v6b, 10, 0, 0}, 1, "1:rcMO2BlHXpMNFXyyWqSDUQCBRBc="},
	}
	for _, c := range cases {
		if got := IDSeed(c.f, c.seed); got != c.want {
			t.Errorf("%+v seed %d: %s, want %s", c.f, c.seed, got, c.want)
		}
	}
}

// TestBothDirections: a flow and its reverse have one ID; an echo request
// and its reply too.
func TestBothDirections(t *testing.T) {
	a, b := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("192.0.2.10")
	if x, y := ID(Flow{a, b, 6, 40000, 22}), ID(Flow{b, a, 6, 22, 40000}); x != y || x == "" {
		t.Errorf("tcp: %q and %q", x, y)
	}
	if x, y := ID(Flow{a, b, 1, 8, 0}), ID(Flow{b, a, 1, 0, 0}); x != y {
		t.Errorf("echo: %q and %q", x, y)
	}
	if got := ID(Flow{a, netip.MustParseAddr("2001:db8::1"), 6, 1, 2}); got != "" {
		t.Errorf("mixed families: %q", got)
	}
}

// TestOneWayKeepsDirection: an ICMP message with no counterpart (a
// destination unreachable) is hashed as sent, not reordered.
func TestOneWayKeepsDirection(t *testing.T) {
	a, b := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("192.0.2.10")
	if x, y := ID(Flow{a, b, 1, 3, 3}), ID(Flow{b, a, 1, 3, 3}); x == y {
		t.Errorf("unreachable both ways: %q", x)
	}
}
