package block

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/portsnare/portsnare/internal/netset"
)

// DefaultInternal is the default of network.internal, defined once in
// internal/netset: private IPv4 (RFC 1918), unique local IPv6 (RFC 4193),
// RFC 6598 shared space, loopback and link-local.
var DefaultInternal = netset.DefaultInternal()

// ParsePrefixes reads a list of CIDRs or bare addresses (a /32 or /128),
// reporting every bad entry under key. IPv4-mapped IPv6 prefixes are
// refused: alerts carry plain IPv4 addresses, so they would match nothing.
func ParsePrefixes(key string, list []string) ([]netip.Prefix, error) {
	var (
		out  []netip.Prefix
		errs []error
	)
	for i, s := range list {
		s = strings.TrimSpace(s)
		var (
			p   netip.Prefix
			err error
		)
		if strings.Contains(s, "/") {
			p, err = netip.ParsePrefix(s)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(s); err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s[%d]: %q is not an address or CIDR (10.0.0.0/8, 2001:db8::/32, 192.0.2.7)", key, i, s))
		case p.Addr().Is4In6():
			errs = append(errs, fmt.Errorf("%s[%d]: %q is an IPv4-mapped IPv6 prefix; write the IPv4 one", key, i, s))
		case p.Addr().Zone() != "":
			errs = append(errs, fmt.Errorf("%s[%d]: %q has a zone, which CIDRs do not", key, i, s))
		default:
			out = append(out, p.Masked())
		}
	}
	return out, errors.Join(errs...)
}

// contains reports whether a prefix of ps holds a.
func contains(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
