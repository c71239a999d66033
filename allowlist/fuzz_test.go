package allowlist

import (
	"net/netip"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// FuzzParse: no input makes the parser panic, and whatever it accepts
// compiles and answers probes.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"rules: []\n",
		"rules:\n  - name: nessus\n    sources: [10.0.0.5, 10.9.0.0/24, \"2001:db8::/64\"]\n    targets: [10.1.0.0/16]\n    ports: [tcp/1-1024, udp/53, icmp, ip/47]\n",
		"rules:\n  - name: w\n    sources: [::1]\n    schedule: {timezone: Europe/Berlin, weekly: [\"Fri-Mon 22:00-02:00\", daily], from: 2026-11-01, until: \"2026-12-01 02:00\"}\n    expires: 2027-01-01T00:00:00Z\n",
		"rules:\n  - &a {name: a, sources: [10.0.0.1]}\n  - *a\n",
		"rules: [{name: x, sources: {a: b}, colour: 1}]\nextra: 2\n",
		"",
		"rules: [\n",
	} {
		f.Add([]byte(seed))
	}
	probes := []*detect.Probe{
		probe("10.0.0.5", "10.1.0.1", detect.ProtoTCP, 80, anyTime),
		probe("2001:db8::1", "2001:db8::2", detect.ProtoUDP, 53, anyTime),
		probe("::1", "10.1.0.1", detect.ProtoICMP, 8, time.Time{}),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := Parse(data)
		if err != nil {
			if rules != nil {
				t.Errorf("rules %v returned with error %v", rules, err)
			}
			return
		}
		l, err := New(Config{Rules: rules}, Options{})
		if err != nil {
			t.Fatalf("accepted by Parse, refused by New: %v", err)
		}
		for _, p := range probes {
			l.Authorize(p)
		}
		for _, r := range rules {
			for _, s := range r.Sources {
				p, _ := parseNet(s)
				if name, _ := l.Authorize(&detect.Probe{Src: p.Addr(), Dst: netip.IPv6Loopback()}); name == "" {
					t.Errorf("source %s of rule %q is not covered", s, r.Name)
				}
			}
		}
	})
}
