package block

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	c := DefaultConfig()
	c.Timeout = 500 * time.Millisecond
	c.MaxElements = 0
	c.Never = []string{"10.0.0.0/33", "not-an-address", "::ffff:10.0.0.0/104"}
	c.Table = "has space"
	c.SetV6 = c.SetV4
	c.Actions = []string{""}
	c.Consumer = "a.b"
	err := c.Validate()
	if err == nil {
		t.Fatal("a bad configuration passed")
	}
	for _, want := range []string{
		`block.timeout must be between 1s and 720h0m0s, got 500ms`,
		`block.max_elements must be between 1 and 1048576, got 0`,
		`block.never[0]: "10.0.0.0/33" is not an address or CIDR`,
		`block.never[1]: "not-an-address"`,
		`block.never[2]: "::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 prefix`,
		`block.table must be an nftables name`,
		`block.set_v6 must differ from block.set_v4, both are "blocked4"`,
		`block.actions: "" is no event.action`,
		`block.consumer must be a JetStream consumer name`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestParsePrefixes(t *testing.T) {
	ps, err := ParsePrefixes("network.internal", append([]string{"192.0.2.7", " 10.1.2.3/8 "}, DefaultInternal...))
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].String() != "192.0.2.7/32" || ps[1].String() != "10.0.0.0/8" {
		t.Fatalf("got %v, want a bare address as /32 and prefixes masked", ps[:2])
	}
}
