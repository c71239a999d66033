package allowlist

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// TestIndexAgainstBruteForce compares the compiled matcher with a linear
// scan of the rules over random, heavily nested and overlapping sources,
// and addresses near every prefix's edges.
func TestIndexAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var rules []Rule
		var probes []netip.Addr
		for i := range 1 + rng.IntN(60) {
			r := Rule{Name: fmt.Sprintf("r%d", i)}
			for range 1 + rng.IntN(3) {
				p := randomPrefix(rng)
				r.Sources = append(r.Sources, p.String())
				probes = append(probes, edges(p)...)
			}
			if rng.IntN(2) == 0 {
				r.Ports = []string{fmt.Sprintf("tcp/%d-%d", 10*i, 10*i+15)}
			}
			rules = append(rules, r)
		}
		for range 200 {
			probes = append(probes, randomPrefix(rng).Addr())
		}
		l, err := New(Config{Rules: rules}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range probes {
			for _, port := range []uint16{5, uint16(rng.IntN(600))} {
				p := &detect.Probe{Src: a, Dst: netip.MustParseAddr("192.0.2.1"), Proto: detect.ProtoTCP, DstPort: port, Time: anyTime}
				got := authorize(l, p)
				want := bruteForce(rules, p)
				if got != want {
					t.Fatalf("round %d: %s port %d: got %+v, want %+v\nrules %+v", round, a, port, got, want, rules)
				}
			}
		}
	}
}

// randomPrefix draws from a small space so that prefixes nest and repeat.
func randomPrefix(rng *rand.Rand) netip.Prefix {
	if rng.IntN(2) == 0 {
		a := netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(4)), byte(rng.IntN(256))})
		if rng.IntN(8) == 0 {
			a = netip.AddrFrom4([4]byte{255, 255, 255, byte(rng.IntN(256))})
		}
		return netip.PrefixFrom(a, []int{0, 8, 14, 16, 22, 24, 30, 32}[rng.IntN(8)]).Masked()
	}
	var b [16]byte
	b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
	b[7] = byte(rng.IntN(4))
	b[8] = byte(rng.IntN(4)) << 6
	b[15] = byte(rng.IntN(256))
	if rng.IntN(8) == 0 {
		for i := range 15 {
			b[i] = 0xff
		}
	}
	return netip.PrefixFrom(netip.AddrFrom16(b), []int{0, 32, 56, 63, 64, 65, 120, 127, 128}[rng.IntN(9)]).Masked()
}

// edges are the addresses at and just beyond p's ends.
func edges(p netip.Prefix) []netip.Addr {
	s, v4 := spanOf(p)
	lo, hi := p.Addr(), addrOf(s.hi, v4)
	out := []netip.Addr{lo, hi}
	if a := lo.Prev(); a.IsValid() {
		out = append(out, a)
	}
	if a := hi.Next(); a.IsValid() {
		out = append(out, a)
	}
	return out
}

func addrOf(k key, v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(k.lo >> 24), byte(k.lo >> 16), byte(k.lo >> 8), byte(k.lo)})
	}
	var b [16]byte
	for i := range 8 {
		b[i] = byte(k.hi >> (56 - 8*i))
		b[8+i] = byte(k.lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}

// bruteForce is the semantics, stated plainly.
func bruteForce(rules []Rule, p *detect.Probe) verdict {
	covering := ""
	for _, r := range rules {
		covers := false
		for _, s := range r.Sources {
			covers = covers || netip.MustParsePrefix(s).Contains(p.Src)
		}
		if !covers {
			continue
		}
		if covering == "" {
			covering = r.Name
		}
		ports, _ := parsePorts(r.Ports)
		if ports == nil || ports.contains(p.Proto, p.DstPort) {
			return verdict{r.Name, true}
		}
	}
	return verdict{covering, false}
}
