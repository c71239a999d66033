package netset

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Set is a list of networks. The zero Set holds nothing.
type Set struct {
	prefixes []netip.Prefix
}

// MaxPrefixes bounds a Set: it is searched linearly for every alert, and a
// configuration with more internal networks than this is a mistake (a
// routing table pasted in), not a description of a site.
const MaxPrefixes = 4096

// DefaultInternal is what network.internal holds unless configured:
//
//   - RFC 1918 private IPv4 and RFC 4193 unique local IPv6 (fc00::/7),
//   - loopback (127.0.0.0/8, ::1) and link-local (169.254.0.0/16,
//     fe80::/10), which never cross a router,
//   - 100.64.0.0/10, RFC 6598 shared address space: carrier-grade NAT and
//     overlay VPNs (Tailscale) use it, and no packet from the Internet
//     carries it. A sensor on the subscriber side of a carrier's NAT sees
//     other subscribers in it; there, leave it out.
func DefaultInternal() []string {
	return []string{
		"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
		"100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"fc00::/7", "::1/128", "fe80::/10",
	}
}

// Parse reads networks written as CIDRs or single addresses. Every
// problem is reported, each naming the value and its index in values.
func Parse(values []string) (Set, error) {
	var errs []error
	if len(values) > MaxPrefixes {
		return Set{}, fmt.Errorf("%d networks, more than the %d allowed", len(values), MaxPrefixes)
	}
	s := Set{prefixes: make([]netip.Prefix, 0, len(values))}
	for i, v := range values {
		p, err := ParsePrefix(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("[%d]: %w", i, err))
			continue
		}
		s.prefixes = append(s.prefixes, p)
	}
	if len(errs) > 0 {
		return Set{}, errors.Join(errs...)
	}
	return s, nil
}

// ParsePrefix reads one CIDR or address (a /32 or /128). A CIDR with bits
// set past its length is refused rather than masked: "10.0.0.5/8" is more
// likely a slip than a wish to name sixteen million addresses. An
// IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is refused too: alerts
// carry plain IPv4 addresses, so write the IPv4 network. What it accepts,
// portsnare block's own reading of network.internal accepts too.
func ParsePrefix(v string) (netip.Prefix, error) {
	t := strings.TrimSpace(v)
	if t == "" {
		return netip.Prefix{}, errors.New("empty: expected a CIDR such as 10.0.0.0/8 or an address")
	}
	if strings.Contains(t, "%") {
		return netip.Prefix{}, fmt.Errorf("%q: IPv6 zones are not supported", v)
	}
	var p netip.Prefix
	if strings.Contains(t, "/") {
		var err error
		if p, err = netip.ParsePrefix(t); err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR (such as 10.0.0.0/8 or 2001:db8::/32)", v)
		}
		if m := p.Masked(); m != p {
			return netip.Prefix{}, fmt.Errorf("%q has bits set past its length: did you mean %s?", v, m)
		}
	} else {
		a, err := netip.ParseAddr(t)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR", v)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("%q is an IPv4-mapped IPv6 network: write the IPv4 one (%s)", v, mappedAsIPv4(p))
	}
	return p, nil
}

// mappedAsIPv4 is the IPv4 network an IPv4-mapped one stands for; masked,
// so at least /96 (a shorter one is no longer mapped).
func mappedAsIPv4(p netip.Prefix) netip.Prefix {
	return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
}

// Contains reports whether a is in one of the networks. An IPv4-mapped
// IPv6 address is judged as the IPv4 address it carries.
func (s Set) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Len is the number of networks.
func (s Set) Len() int { return len(s.prefixes) }
