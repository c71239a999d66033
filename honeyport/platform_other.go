//go:build !linux

package honeyport

import (
	"fmt"
	"net/netip"
	"runtime"
)

// The decoys need two things only Linux gives them in this form: the
// /proc/net tables, read so that no decoy takes a port a service holds,
// and IP_PKTINFO, which tells a datagram to this host from a broadcast.
// Without the first a decoy could keep a service from its port, so
// elsewhere New refuses rather than run without that guard. The stand-ins
// below only let the package build; nothing reaches them.

func platformSupported() error {
	return fmt.Errorf("honeyports need Linux (this is %s)", runtime.GOOS)
}

func recvPktinfo(string, uintptr) error { return platformSupported() }

func parsePktinfo([]byte) pktinfo { return pktinfo{} }

func sourceOOB(netip.Addr) []byte { return nil }
