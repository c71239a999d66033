package allowlist

import (
	"net/netip"
	"slices"
)

// addrSet is a rule's targets: sorted, merged ranges per address family.
type addrSet struct {
	v4, v6 []span
}

func newAddrSet(prefixes []netip.Prefix) *addrSet {
	s := &addrSet{}
	for _, p := range prefixes {
		sp, v4 := spanOf(p)
		if v4 {
			s.v4 = append(s.v4, sp)
		} else {
			s.v6 = append(s.v6, sp)
		}
	}
	s.v4, s.v6 = mergeSpans(s.v4), mergeSpans(s.v6)
	return s
}

func (s *addrSet) contains(a netip.Addr) bool {
	k, v4 := keyOf(a)
	spans := s.v6
	if v4 {
		spans = s.v4
	}
	lo, hi := 0, len(spans)
	for lo < hi { // first span starting after k
		m := int(uint(lo+hi) >> 1)
		if k.less(spans[m].lo) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo > 0 && !spans[lo-1].hi.less(k)
}

// mergeSpans sorts spans and joins those that overlap or touch.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return cmpKey(a.lo, b.lo) })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if next, ok := last.hi.next(); !ok || !next.less(s.lo) {
				if last.hi.less(s.hi) {
					last.hi = s.hi
				}
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
