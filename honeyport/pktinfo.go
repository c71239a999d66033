package honeyport

import (
	"net/netip"

	"github.com/portsnare/portsnare/detect"
)

// A UDP socket bound to 0.0.0.0 or :: does not know which of the host's
// addresses a datagram was sent to. IP_PKTINFO and IPV6_RECVPKTINFO make the
// kernel say, which gives the touch its destination, tells unicast from the
// broadcasts and multicasts that are no one's probe, and lets a reply leave
// from the address the client wrote to (or the client would ignore it).

// pktinfo is the destination of a received datagram.
type pktinfo struct {
	dst     netip.Addr // the datagram's destination address
	specDst netip.Addr // IPv4: the local address the kernel would answer from
	known   bool
}

// unicastToUs reports whether the datagram was addressed to this host alone.
// For IPv4 the kernel sets spec_dst to the header's destination exactly
// when that is a local address; for a broadcast it names an interface
// address instead.
func (p pktinfo) unicastToUs() bool {
	if !p.known {
		return true // bound to a unicast address: nothing else arrives
	}
	return !detect.IsGroup(p.dst) && p.dst == p.specDst
}
