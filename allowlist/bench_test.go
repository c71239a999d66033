package allowlist

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// manyRules is n rules as a large site might write them: each a scanner
// host or subnet, v4 and v6, with ports and a weekly window in a zone for
// one rule in three, and a few wide rules on top.
func manyRules(n int) []Rule {
	rng := rand.New(rand.NewPCG(7, 7))
	rules := make([]Rule, 0, n)
	for i := range n {
		r := Rule{
			Name: fmt.Sprintf("scanner-%d", i),
			Sources: []string{
				netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 1}).String(),
				netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16 + byte(i%16), byte(i >> 4), 0}), 28).Masked().String(),
				fmt.Sprintf("2001:db8:%x::/64", i),
			},
			Targets: []string{"192.0.2.0/24", "198.51.100.0/24"},
			Ports:   []string{"tcp/1-1024", "udp/53", "icmp"},
		}
		if i%3 == 0 {
			r.Schedule = Schedule{Timezone: "Europe/Berlin", Weekly: []string{"Mon-Fri 22:00-06:00", "Sat-Sun"}}
		}
		if rng.IntN(100) == 0 {
			r.Sources = append(r.Sources, "10.0.0.0/8")
		}
		rules = append(rules, r)
	}
	return rules
}

func benchList(b *testing.B, n int) *List {
	l, err := New(Config{Rules: manyRules(n)}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return l
}

func BenchmarkAuthorize(b *testing.B) {
	for _, n := range []int{10, 5000} {
		l := benchList(b, n)
		for _, c := range []struct {
			name string
			p    *detect.Probe
		}{
			{"uncovered-v4", probe("203.0.113.9", "192.0.2.1", detect.ProtoTCP, 80, anyTime)},
			{"uncovered-v6", probe("2001:db9::1", "2001:db8:f::1", detect.ProtoTCP, 80, anyTime)},
			{"covered-in-scope", probe("10.0.5.1", "192.0.2.1", detect.ProtoTCP, 80, anyTime)},
			{"covered-out-of-scope", probe("10.0.5.1", "192.0.2.1", detect.ProtoTCP, 8080, anyTime)},
			{"covered-v6", probe("2001:db8:5::1", "198.51.100.1", detect.ProtoUDP, 53, anyTime)},
			{"covered-weekly-zone", probe("172.16.0.1", "192.0.2.1", detect.ProtoTCP, 22, anyTime)},
		} {
			b.Run(fmt.Sprintf("rules=%d/%s", n, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					l.Authorize(c.p)
				}
			})
		}
	}
}

// TestAuthorizeAllocatesNothing keeps Authorize off the allocator, whatever
// path a probe takes through the rules.
func TestAuthorizeAllocatesNothing(t *testing.T) {
	l, err := New(Config{Rules: manyRules(500)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*detect.Probe{
		probe("203.0.113.9", "192.0.2.1", detect.ProtoTCP, 80, anyTime),
		probe("10.0.5.1", "192.0.2.1", detect.ProtoTCP, 80, anyTime),
		probe("10.0.5.1", "203.0.113.1", detect.ProtoTCP, 80, anyTime),
		probe("172.16.0.1", "192.0.2.1", detect.ProtoTCP, 22, anyTime),
		probe("2001:db8:5::1", "198.51.100.1", detect.ProtoUDP, 53, anyTime),
	} {
		if n := testing.AllocsPerRun(100, func() { l.Authorize(p) }); n != 0 {
			t.Errorf("%s: %v allocations", p.Src, n)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	rules := manyRules(5000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Config{Rules: rules}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
