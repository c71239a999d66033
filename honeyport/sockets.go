package honeyport

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"

	"github.com/portsnare/portsnare/detect"
)

// bindResult classifies why a decoy socket could not be opened, because
// each reason calls for a different reaction.
type bindResult int

const (
	bound       bindResult = iota
	inUse                  // EADDRINUSE: another socket holds the port; never try it again
	denied                 // EACCES: a port below 1024 without CAP_NET_BIND_SERVICE
	unavailable            // the address is not (yet) on the host, or its family is disabled
	failed                 // anything else, such as running out of file descriptors
)

func classify(err error) bindResult {
	switch {
	case err == nil:
		return bound
	case errors.Is(err, syscall.EADDRINUSE):
		return inUse
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return denied
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EAFNOSUPPORT), errors.Is(err, syscall.EPROTONOSUPPORT):
		return unavailable
	}
	return failed
}

// listenConfig opens decoy sockets. Go sets SO_REUSEADDR on TCP listeners,
// which on Linux still refuses a second bind while one socket listens, so
// the bind itself confirms that no service holds the port. SO_REUSEPORT is
// never set: with it a service of the same user could share the port with a
// decoy, and the kernel would hand the decoy part of its clients.
var listenConfig = net.ListenConfig{
	KeepAlive: -1, // connections live seconds at most
	Control: func(network, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = recvPktinfo(network, fd) })
		return errors.Join(err, serr)
	},
}

// network names the Go network for a port and bind address: "tcp4" or
// "tcp6"; a "::" socket is IPv6-only, so IPv4 goes to "0.0.0.0".
func network(p Port, a netip.Addr) string {
	n := "tcp"
	if p.Proto == detect.ProtoUDP {
		n = "udp"
	}
	if a.Is4() {
		return n + "4"
	}
	return n + "6"
}

// open binds one decoy socket: a *net.TCPListener or a *net.UDPConn.
func open(p Port, a netip.Addr) (net.Conn, net.Listener, error) {
	addr := netip.AddrPortFrom(a, p.Num).String()
	if p.Proto == detect.ProtoUDP {
		c, err := listenConfig.ListenPacket(context.Background(), network(p, a), addr)
		if err != nil {
			return nil, nil, err
		}
		return c.(*net.UDPConn), nil, nil
	}
	l, err := listenConfig.Listen(context.Background(), network(p, a), addr)
	return nil, l, err
}

// inode is the socket's inode number, which /proc/net lists, so the
// decoys can tell their own sockets from everyone else's.
func inode(c syscall.Conn) uint64 {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	var st syscall.Stat_t
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.Fstat(int(fd), &st) }); err != nil || serr != nil {
		return 0
	}
	return st.Ino
}

func addrPort(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.AddrPort()
	case *net.UDPAddr:
		return a.AddrPort()
	}
	return netip.AddrPort{}
}
