package detect

import (
	"encoding/binary"
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

// agg returns the address and key a source is tracked under.
func (e *Engine) agg(a netip.Addr, k addrKey) (netip.Addr, addrKey) {
	if !e.aggregates || a.Is4() || a.Is4In6() || a.IsLinkLocalUnicast() {
		return a, k
	}
	m := addrKey{k.hi & e.v6mask.hi, k.lo & e.v6mask.lo}
	if m == k {
		return a, k
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], m.hi)
	binary.BigEndian.PutUint64(b[8:], m.lo)
	return netip.AddrFrom16(b), m
}

// aggregated reports whether s stands for an IPv6 prefix (a source tracked
// per address for its neighbour asks does not, though its address is in one).
func (e *Engine) aggregated(s *source) bool {
	if !e.aggregates || !s.addr.Is6() || s.addr.Is4In6() || s.addr.IsLinkLocalUnicast() {
		return false
	}
	_, k := e.agg(s.addr, s.key)
	return k == s.key
}

// lookup returns the tracked source for address a, if any, without
// changing its recency.
func (e *Engine) lookup(a netip.Addr) *source {
	sa, sk := e.agg(a, keyOf(a))
	return e.srcs.peekKey(sa, sk)
}

// noteAddr records that address a, inside s's prefix, sent a probe.
func (s *source) noteAddr(a netip.Addr) {
	v := s.v6
	if v == nil {
		v = &prefixAddrs{}
		s.v6 = v
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
	if s.v6 != nil && s.v6.n > 0 {
		return s.v6.addrs[0]
	}
	return s.addr
}
