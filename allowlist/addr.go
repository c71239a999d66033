package allowlist

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// key is an address as a 128-bit number, so that one comparison serves both
// families. IPv4 addresses use the low 32 bits and live in their own tables:
// a v4 key never meets a v6 one.
type key struct{ hi, lo uint64 }

func (a key) less(b key) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

// next returns a+1, and false when a is the largest key.
func (a key) next() (key, bool) {
	if a.lo != ^uint64(0) {
		return key{a.hi, a.lo + 1}, true
	}
	if a.hi != ^uint64(0) {
		return key{a.hi + 1, 0}, true
	}
	return key{}, false
}

// keyOf converts an address without allocating. An IPv4-mapped IPv6 address
// is judged as the IPv4 address it carries.
func keyOf(a netip.Addr) (k key, v4 bool) {
	if a.Is4() || a.Is4In6() {
		b := a.Unmap().As4()
		return key{0, uint64(binary.BigEndian.Uint32(b[:]))}, true
	}
	b := a.As16()
	return key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, false
}

// span is an inclusive range of keys.
type span struct{ lo, hi key }

// spanOf is the range of addresses in p, which must be masked.
func spanOf(p netip.Prefix) (s span, v4 bool) {
	lo, v4 := keyOf(p.Addr())
	host := 128 - p.Bits()
	if v4 {
		host = 32 - p.Bits()
	}
	return span{lo, key{lo.hi | onesHi(host), lo.lo | onesLo(host)}}, v4
}

// onesLo and onesHi are the low and high words of a number with its n low
// bits set.
func onesLo(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func onesHi(n int) uint64 {
	if n <= 64 {
		return 0
	}
	return onesLo(n - 64)
}

// parseNet reads an IP or a CIDR. A CIDR with bits set past its prefix is
// refused rather than masked: "10.0.0.5/8" in an allowlist is more likely a
// slip than a wish to authorize sixteen million addresses.
func parseNet(s string) (netip.Prefix, error) {
	t := strings.TrimSpace(s)
	if strings.Contains(t, "%") {
		return netip.Prefix{}, fmt.Errorf("%q: IPv6 zones are not supported", s)
	}
	if strings.Contains(t, "/") {
		p, err := netip.ParsePrefix(t)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP or CIDR", s)
		}
		if m := p.Masked(); m != p {
			return netip.Prefix{}, fmt.Errorf("%q has bits set past its /%d prefix (did you mean %q?)", s, p.Bits(), m.String())
		}
		return unmapPrefix(p), nil
	}
	a, err := netip.ParseAddr(t)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP or CIDR", s)
	}
	return unmapPrefix(netip.PrefixFrom(a, a.BitLen())), nil
}

// unmapPrefix turns ::ffff:10.0.0.0/104 into 10.0.0.0/8, the form probes
// are matched in.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if !p.Addr().Is4In6() {
		return p
	}
	bits := max(p.Bits()-96, 0)
	return netip.PrefixFrom(p.Addr().Unmap(), bits).Masked()
}
