//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// A connect() scan from a Windows host looks unlike one from Linux: after
// the target's RST, Windows sends the identical SYN (same source port, same
// ISN) again, twice, half a second apart, before connect() fails. Linux
// never re-sends a SYN after a RST, so the test builds the packets itself
// on a raw socket in the client's namespace.

// winConn is one connect() attempt of the Windows stack to a closed port.
type winConn struct {
	port, sport uint16
	isn         uint32
	sent, rsts  int
	due         time.Time // when the next SYN goes out; zero while one awaits its RST
}

// winSYNs is the number of identical SYNs Windows sends to a refused port:
// the first and two retries.
const winSYNs = 3

// winConnectScan connect()-scans ports of dst from src as Windows does,
// with every attempt in flight at once as a multi-threaded scanner has
// them, from namespace ns. It returns the RSTs each port answered, in the
// order of ports: winSYNs each when every SYN reached the target.
func winConnectScan(ns string, src, dst netip.Addr, ports []uint16) ([]int, error) {
	var send, recv int
	if err := inNetns(ns, func() error {
		var err error
		// IPPROTO_RAW: the test writes the IP header too (TTL 128, DF,
		// Windows' incrementing IP id).
		if send, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_RAW); err != nil {
			return fmt.Errorf("raw send socket: %w", err)
		}
		// A raw TCP socket receives a copy of every TCP segment the
		// namespace receives: the RSTs come this way.
		if recv, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP); err != nil {
			unix.Close(send)
			return fmt.Errorf("raw receive socket: %w", err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	defer unix.Close(send)
	defer unix.Close(recv)
	// The receive loop wakes this often to send the retries that are due.
	if err := unix.SetsockoptTimeval(recv, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Usec: 20_000}); err != nil {
		return nil, err
	}

	conns := make([]*winConn, len(ports))
	bySport := map[uint16]*winConn{}
	now := time.Now()
	for i, p := range ports {
		c := &winConn{port: p, isn: rand.Uint32(), due: now}
		for c.sport == 0 || bySport[c.sport] != nil {
			c.sport = uint16(49152 + rand.IntN(65536-49152)) // Windows' dynamic port range
		}
		bySport[c.sport] = c
		conns[i] = c
	}
	ipID := uint16(rand.Uint32())
	to := &unix.SockaddrInet4{Addr: dst.As4()}
	buf := make([]byte, 2048)
	deadline := now.Add(20 * time.Second)
	for {
		now = time.Now()
		pending := 0
		for _, c := range conns {
			if c.rsts < winSYNs {
				pending++
			}
			if c.sent < winSYNs && !c.due.IsZero() && !now.Before(c.due) {
				ipID++
				if err := unix.Sendto(send, windowsSYN(src, dst, ipID, c.sport, c.port, c.isn), 0, to); err != nil {
					return nil, fmt.Errorf("sending a SYN to port %d: %w", c.port, err)
				}
				c.sent++
				c.due = time.Time{}
			}
		}
		if pending == 0 || now.After(deadline) {
			break
		}
		n, err := unix.Read(recv, buf)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sport, dport, flags, ok := tcpFrom(buf[:n], dst)
		c := bySport[dport]
		if !ok || c == nil || c.port != sport || flags&0x04 == 0 {
			continue
		}
		c.rsts++
		if c.sent < winSYNs {
			c.due = time.Now().Add(500 * time.Millisecond)
		}
	}
	rsts := make([]int, len(conns))
	for i, c := range conns {
		rsts[i] = c.rsts
	}
	return rsts, nil
}

// tcpFrom returns the ports and flags of an IPv4 TCP segment from addr, as
// a raw socket hands it over (IP header first).
func tcpFrom(b []byte, from netip.Addr) (sport, dport uint16, flags byte, ok bool) {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != unix.IPPROTO_TCP {
		return 0, 0, 0, false
	}
	ihl := int(b[0]&0x0f) * 4
	if len(b) < ihl+14 || netip.AddrFrom4([4]byte(b[12:16])) != from {
		return 0, 0, 0, false
	}
	t := b[ihl:]
	return binary.BigEndian.Uint16(t[0:2]), binary.BigEndian.Uint16(t[2:4]), t[13], true
}

// windowsSYN builds the SYN a Windows 10/11 stack sends: TTL 128, DF, window
// 64240, options MSS 1460, NOP, window scale 8, NOP, NOP, SACK permitted.
func windowsSYN(src, dst netip.Addr, id, sport, dport uint16, isn uint32) []byte {
	opts := []byte{2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2}
	p := make([]byte, 20+20+len(opts))
	ip, tcp := p[:20], p[20:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(len(p)))
	binary.BigEndian.PutUint16(ip[4:], id)
	binary.BigEndian.PutUint16(ip[6:], 0x4000) // DF
	ip[8] = 128
	ip[9] = unix.IPPROTO_TCP
	s4, d4 := src.As4(), dst.As4()
	copy(ip[12:16], s4[:])
	copy(ip[16:20], d4[:])
	binary.BigEndian.PutUint16(ip[10:], ^sum16(ip, 0))

	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], isn)
	tcp[12] = byte((20 + len(opts)) / 4 << 4)
	tcp[13] = 0x02 // SYN
	binary.BigEndian.PutUint16(tcp[14:], 64240)
	copy(tcp[20:], opts)
	pseudo := make([]byte, 0, 12)
	pseudo = append(pseudo, s4[:]...)
	pseudo = append(pseudo, d4[:]...)
	pseudo = append(pseudo, 0, unix.IPPROTO_TCP, byte(len(tcp)>>8), byte(len(tcp)))
	binary.BigEndian.PutUint16(tcp[16:], ^sum16(tcp, sum16(pseudo, 0)))
	return p
}

// sum16 is the ones' complement sum of b (RFC 1071), continued from sum.
func sum16(b []byte, sum uint16) uint16 {
	s := uint32(sum)
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// inNetns runs f on an OS thread that has entered the named network
// namespace (ip netns). Sockets f opens belong to that namespace for their
// whole life, so they can be used from any goroutine afterwards. The thread
// is never handed back to the scheduler: it ends with its goroutine, and
// no other goroutine ever runs in the namespace by accident.
func inNetns(ns string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // not unlocked on purpose, see above
		fd, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("entering namespace %s: %w", ns, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}
