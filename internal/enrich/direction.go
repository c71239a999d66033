package enrich

import (
	"net/netip"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/netset"
)

// ECS network.direction values.
const (
	DirInbound  = "inbound"  // from outside to inside
	DirOutbound = "outbound" // from inside to outside
	DirInternal = "internal" // inside to inside
	DirExternal = "external" // outside to outside (a tap on a transit link)
	DirUnknown  = "unknown"  // targets on both sides, or none named
)

// direction judges an alert's direction from its source and its targets:
// destination.ip when the alert names one host, else the sampled hosts,
// which must all lie on one side. The sample is bounded (detect.samples),
// and parsing an address allocates nothing.
func direction(internal *netset.Set, src netip.Addr, a *detect.Alert) string {
	srcIn := internal.Contains(src)
	var dstIn, seen, mixed bool
	judge := func(s string) {
		d, err := netip.ParseAddr(s)
		if err != nil {
			return
		}
		in := internal.Contains(d)
		if seen && in != dstIn {
			mixed = true
		}
		dstIn, seen = in, true
	}
	if a.Destination != nil {
		judge(a.Destination.IP)
	} else {
		for _, h := range a.Portsnare.Scan.HostsSample {
			judge(h)
		}
	}
	switch {
	case !seen || mixed:
		return DirUnknown
	case srcIn && dstIn:
		return DirInternal
	case srcIn:
		return DirOutbound
	case dstIn:
		return DirInbound
	}
	return DirExternal
}
