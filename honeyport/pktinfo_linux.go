package honeyport

import (
	"encoding/binary"
	"net/netip"
	"syscall"
)

// recvPktinfo asks the kernel to attach a datagram's destination to each
// read on a UDP socket (see pktinfo); network is the socket's Go network.
func recvPktinfo(network string, fd uintptr) error {
	switch network {
	case "udp4":
		return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_PKTINFO, 1)
	case "udp6":
		return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_RECVPKTINFO, 1)
	}
	return nil
}

// parsePktinfo reads the control messages of one received datagram.
func parsePktinfo(oob []byte) pktinfo {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return pktinfo{}
	}
	for _, m := range msgs {
		switch {
		case m.Header.Level == syscall.IPPROTO_IP && m.Header.Type == syscall.IP_PKTINFO && len(m.Data) >= syscall.SizeofInet4Pktinfo:
			// struct in_pktinfo { int ifindex; in_addr spec_dst; in_addr addr; }
			return pktinfo{
				specDst: netip.AddrFrom4([4]byte(m.Data[4:8])),
				dst:     netip.AddrFrom4([4]byte(m.Data[8:12])),
				known:   true,
			}
		case m.Header.Level == syscall.IPPROTO_IPV6 && m.Header.Type == syscall.IPV6_PKTINFO && len(m.Data) >= syscall.SizeofInet6Pktinfo:
			// struct in6_pktinfo { in6_addr addr; int ifindex; }
			a := netip.AddrFrom16([16]byte(m.Data[0:16])).Unmap()
			return pktinfo{dst: a, specDst: a, known: true}
		}
	}
	return pktinfo{}
}

// sourceOOB is the control message that makes a reply leave from src.
func sourceOOB(src netip.Addr) []byte {
	var level, typ, n int
	var data []byte
	if src.Is4() {
		level, typ, n = syscall.IPPROTO_IP, syscall.IP_PKTINFO, syscall.SizeofInet4Pktinfo
		data = make([]byte, n)
		a := src.As4()
		copy(data[4:8], a[:]) // spec_dst: the source address to use
	} else {
		level, typ, n = syscall.IPPROTO_IPV6, syscall.IPV6_PKTINFO, syscall.SizeofInet6Pktinfo
		data = make([]byte, n)
		a := src.As16()
		copy(data[0:16], a[:])
	}
	b := make([]byte, syscall.CmsgSpace(n))
	// struct cmsghdr { size_t len; int level; int type; }: size_t is the
	// header's size less the two ints.
	lenSize := syscall.SizeofCmsghdr - 8
	if lenSize == 8 {
		binary.NativeEndian.PutUint64(b, uint64(syscall.CmsgLen(n)))
	} else {
		binary.NativeEndian.PutUint32(b, uint32(syscall.CmsgLen(n)))
	}
	binary.NativeEndian.PutUint32(b[lenSize:], uint32(level))
	binary.NativeEndian.PutUint32(b[lenSize+4:], uint32(typ))
	copy(b[syscall.CmsgLen(0):], data)
	return b
}
