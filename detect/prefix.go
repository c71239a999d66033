package detect

import (
	"net/netip"
)

// IPv6 sources are tracked per prefix (Config.IPv6PrefixLen, /64 by
// default): a host picks its addresses inside its /64 at will, and a scanner
// that rotates them would otherwise look like many sources each probing a
// little. Link-local sources stay per address: every host on every link
// shares fe80::/64.

// prefixAddrs lists the addresses seen inside an aggregated prefix. It is
// allocated when a source is first aggregated: IPv4 sources never need it.
type prefixAddrs struct {
	n     uint8
	total uint32 // distinct addresses seen (the list keeps the first maxSamples)
	addrs [maxSamples]netip.Addr
}

// v6Mask is the mask of an IPv6 prefix length, as an addrKey.
func v6Mask(bits int) addrKey {
	var m addrKey
	switch {
	case bits >= 128:
		m = addrKey{^uint64(0), ^uint64(0)}
	case bits >= 64:
		m = addrKey{^uint64(0), ^uint64(0) << (128 - bits)}
	default:
		m = addrKey{^uint64(0) << (64 - bits), 0}
	}
	return m
}

// aggregable reports whether the address of key k is tracked by prefix:
// an IPv6 address neither IPv4-mapped nor link-local, when the engine
// aggregates.
func (e *Engine) aggregable(k addrKey) bool {
	return e.aggregates && !(k.hi == 0 && k.lo>>32 == 0xffff) && k.hi>>54 != 0xfe80>>6
}

// aggKey is the key a source with address key k is tracked under: its
// prefix's, where sources are aggregated.
func (e *Engine) aggKey(k addrKey) addrKey {
	if !e.aggregable(k) {
		return k
	}
	return addrKey{k.hi & e.v6mask.hi, k.lo & e.v6mask.lo}
}

// trackKey is the key a contact of family fam from address key k is
// tracked under: the aggregated key, but for neighbour asks, which come
// from the link, whose hosts all share the prefix, and are judged per
// address.
func (e *Engine) trackKey(k addrKey, fam family) addrKey {
	if fam == famNeighbour {
		return k
	}
	return e.aggKey(k)
}

// aggregated reports whether s stands for an IPv6 prefix (a source tracked
// per address for its neighbour asks does not, though its address is in one).
func (e *Engine) aggregated(s *source) bool {
	return e.aggregable(s.key) && e.aggKey(s.key) == s.key
}

// lookup returns the tracked source for address a, if any, without
// changing its recency.
func (e *Engine) lookup(a netip.Addr) *source {
	return e.srcs.peekKey(e.aggKey(keyOf(a)))
}

// noteAddr records that address a, inside s's prefix, sent a probe.
func (s *source) noteAddr(a netip.Addr) {
	x := s.more()
	v := x.v6
	if v == nil {
		v = &prefixAddrs{}
		x.v6 = v
	}
	for i := 0; i < int(v.n); i++ {
		if v.addrs[i] == a {
			return
		}
	}
	v.total++
	if int(v.n) < maxSamples {
		v.addrs[v.n] = a
		v.n++
	}
}

// shownAddr is the address an alert names as the source: for a prefix, the
// first address seen in it.
func (s *source) shownAddr() netip.Addr {
	if s.x != nil && s.x.v6 != nil && s.x.v6.n > 0 {
		return s.x.v6.addrs[0]
	}
	return s.address()
}
