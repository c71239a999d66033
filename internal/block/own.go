package block

import (
	"net"
	"net/netip"
)

// OwnAddrs returns this host's addresses (of every interface, in the
// network namespace of the process), which are never blocked: an alert
// naming one is the sensor seeing this host's own traffic, and blocking it
// would cut the host off.
func OwnAddrs() ([]netip.Addr, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr().Unmap())
		}
	}
	return out, nil
}
