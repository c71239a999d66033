package netset

import (
	"net/netip"
	"strings"
	"testing"
)

func TestDefaultInternal(t *testing.T) {
	s, err := Parse(DefaultInternal())
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true, "172.32.0.1": false,
		"192.168.1.1": true, "100.64.0.1": true, "100.128.0.1": false, "127.0.0.1": true,
		"169.254.1.1": true, "fd00::1": true, "fc00::1": true, "::1": true, "fe80::1": true,
		"8.8.8.8": false, "198.18.0.10": false, "2001:db8::1": false,
		"::ffff:10.0.0.1": true, "::ffff:8.8.8.8": false,
	} {
		if got := s.Contains(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestParseErrorsNameEveryBadValue(t *testing.T) {
	_, err := Parse([]string{"10.0.0.0/8", "10.0.0.5/8", "lan", "", "fe80::1%eth0", "192.168.0.0/16"})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`[1]: "10.0.0.5/8" has bits set past its length: did you mean 10.0.0.0/8?`,
		`[2]: "lan" is not an IP address or CIDR`,
		`[3]: empty`,
		`[4]: "fe80::1%eth0": IPv6 zones are not supported`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "[0]") || strings.Contains(msg, "[5]") {
		t.Errorf("a valid value is reported:\n%s", msg)
	}
}

func TestParseMappedRefusedSingleAccepted(t *testing.T) {
	if _, err := Parse([]string{"::ffff:10.0.0.0/104"}); err == nil || !strings.Contains(err.Error(), `[0]: "::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 network: write the IPv4 one (10.0.0.0/8)`) {
		t.Errorf("mapped: %v", err)
	}
	s, err := Parse([]string{"203.0.113.7", "2001:db8::1"})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"::ffff:203.0.113.7": true, "203.0.113.7": true, "203.0.113.8": false,
		"2001:db8::1": true, "2001:db8::2": false,
	} {
		if got := s.Contains(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestEmptySetHoldsNothing(t *testing.T) {
	s, err := Parse(nil)
	if err != nil || s.Contains(netip.MustParseAddr("10.0.0.1")) {
		t.Errorf("empty set: err %v, holds 10.0.0.1", err)
	}
}

func TestTooMany(t *testing.T) {
	v := make([]string, MaxPrefixes+1)
	for i := range v {
		v[i] = "10.0.0.0/8"
	}
	if _, err := Parse(v); err == nil || !strings.Contains(err.Error(), "more than the 4096 allowed") {
		t.Errorf("err %v", err)
	}
}
