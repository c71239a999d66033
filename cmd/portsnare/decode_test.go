package main

import (
	"slices"
	"testing"
	"time"

	"github.com/portsnare/portsnare/allowlist"
)

// TestDecodeSetting: a list given as one string splits at commas, port
// specs by their grammar; problems name the key and the item.
func TestDecodeSetting(t *testing.T) {
	var ports, addrs []string
	if ps := decodeSetting("honeyport.ports", &ports, "auto, udp/53,123, 22/tcp, 23,161/udp"); ps != nil ||
		!slices.Equal(ports, []string{"auto", "udp/53,123", "22/tcp", "23", "161/udp"}) {
		t.Errorf("honeyport.ports = %q, %q", ports, ps)
	}
	if ps := decodeSetting("honeyport.addresses", &addrs, "0.0.0.0, ::,"); ps != nil || !slices.Equal(addrs, []string{"0.0.0.0", "::"}) {
		t.Errorf("honeyport.addresses = %q, %q", addrs, ps)
	}
	var dark []uint16
	want := []string{"honeyport.dark_ports[1]: expected a port between 1 and 65535, got \"0\""}
	if ps := decodeSetting("honeyport.dark_ports", &dark, "4444,0"); !slices.Equal(ps, want) {
		t.Errorf("got %q, want %q", ps, want)
	}
	var level string
	want = []string{"log.level: expected a string, got 3 (quote it)"}
	if ps := decodeSetting("log.level", &level, 3); !slices.Equal(ps, want) {
		t.Errorf("got %q, want %q", ps, want)
	}
	var rules []allowlist.Rule
	want = []string{`allowlist.rules: rule "a": unknown field "source" (did you mean sources?)`}
	if ps := decodeSetting("allowlist.rules", &rules, `[{name: a, source: [10.0.0.5]}]`); !slices.Equal(ps, want) || len(rules) != 1 {
		t.Errorf("got %q, %+v; want %q", ps, rules, want)
	}
}

func TestFormatDurationRoundTrips(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Hour:           "2h",
		90 * time.Minute:        "1h30m",
		time.Minute:             "1m",
		5 * time.Second:         "5s",
		200 * time.Millisecond:  "200ms",
		time.Hour + time.Second: "1h0m1s",
	} {
		got := formatDuration(d)
		if got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("%q parses back to %v, %v", got, back, err)
		}
	}
}
