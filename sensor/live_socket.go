//go:build linux

package sensor

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/google/gopacket/afpacket"
	"golang.org/x/sys/unix"
)

// blockTimeout is how long the kernel fills a ring block before handing it
// over part full. Each hand-over wakes the capture goroutine; a quiet link
// then sees its packets at most this late (plus maxBatchAge), far inside the
// second that the engine's housekeeping runs on. Hand-overs are kept few:
// each wakes a goroutine from the runtime's poller, and before the capture
// stopped making system calls per hand-over (see ringPeek), each also cost
// a burst of the runtime monitor's wake-ups, so that 10 ms blocks cost a
// live sensor more CPU than decoding did. tcpdump uses 1 s.
const blockTimeout = 100 * time.Millisecond

// socket is one AF_PACKET TPACKET_V3 socket of a fanout group.
type socket struct {
	iface string
	tp    *afpacket.TPacket
}

// openSockets opens cfg.Sockets sockets on iface in one fanout group, with
// the capture filter attached.
func openSockets(iface string, cfg *LiveConfig, group uint16) ([]*socket, error) {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("capture interface %q: %w", iface, err)
	}
	loop := ifc.Flags&net.FlagLoopback != 0
	if err := checkEthernet(iface); err != nil {
		return nil, err
	}
	filter, err := captureFilter(uint32(cfg.SnapLen), loop)
	if err != nil {
		return nil, err
	}
	var socks []*socket
	closeAll := func() {
		for _, s := range socks {
			s.tp.Close()
		}
	}
	for i := 0; i < cfg.Sockets; i++ {
		tp, err := afpacket.NewTPacket(
			afpacket.OptInterface(iface),
			afpacket.OptFrameSize(frameSize(cfg.SnapLen)),
			afpacket.OptBlockSize(cfg.BlockSize),
			afpacket.OptNumBlocks(cfg.NumBlocks),
			afpacket.OptBlockTimeout(blockTimeout),
			// afpacket only looks whether a block is ready: the capture
			// goroutine waits in the runtime's poller (ringWaiter).
			afpacket.OptPollTimeout(0),
			afpacket.TPacketVersion3,
		)
		if err != nil {
			closeAll()
			if errors.Is(err, unix.EPERM) {
				return nil, fmt.Errorf("capture on %q: %w (needs CAP_NET_RAW: run as root or grant the capability)", iface, err)
			}
			// The ring is the one thing here sized by the configuration:
			// ENOMEM and EINVAL from it mean a block_size or num_blocks the
			// kernel would not give, which the operator fixes in those keys.
			return nil, fmt.Errorf("capture on %q: setting up the ring of capture.block_size %d x capture.num_blocks %d (%d bytes per socket, %d sockets): %w",
				iface, cfg.BlockSize, cfg.NumBlocks, uint64(cfg.BlockSize)*uint64(cfg.NumBlocks), cfg.Sockets, err)
		}
		socks = append(socks, &socket{iface: iface, tp: tp})
		if err := tp.SetBPF(filter); err != nil {
			closeAll()
			return nil, fmt.Errorf("capture on %q: attaching the filter: %w", iface, err)
		}
		if cfg.Sockets > 1 {
			// Each socket has its own Decoder, so the fragments of a
			// datagram must reach one socket. PACKET_FANOUT_HASH hashes
			// every fragment, first or later, on addresses and protocol
			// only: the kernel's flow dissector stops at a fragment before
			// the ports, and its symmetric hash leaves out the IP id and
			// the flow label. So fragments of one datagram share a socket
			// (unless a sender varies its IPv6 headers between them).
			// PACKET_FANOUT_FLAG_DEFRAG is not set: it would reassemble
			// IPv4 in the kernel before the filter and the Decoder see the
			// fragments, so a live sensor with several sockets would lose
			// the mark of a fragmented probe (and see nothing of a datagram
			// with overlapping fragments, which Linux drops), unlike a
			// capture of the same traffic replayed. Rollover is not set
			// either: it would send a busy socket's packets to another.
			if err := tp.SetFanout(afpacket.FanoutHash, group); err != nil {
				closeAll()
				return nil, fmt.Errorf("capture on %q: joining fanout group %d: %w", iface, group, err)
			}
		}
	}
	if cfg.Promiscuous {
		if err := setPromiscuous(ifc.Index); err != nil {
			closeAll()
			return nil, fmt.Errorf("promiscuous mode on %q: %w (needs CAP_NET_ADMIN)", iface, err)
		}
	}
	return socks, nil
}

// setPromiscuous adds a promiscuous membership on the interface through a
// throwaway packet socket: the membership lives as long as the process, and
// the kernel drops it when the process exits.
func setPromiscuous(ifindex int) error {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
	if err != nil {
		return err
	}
	mreq := unix.PacketMreq{Ifindex: int32(ifindex), Type: unix.PACKET_MR_PROMISC}
	if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
		unix.Close(fd)
		return err
	}
	// Deliberately left open: closing it would drop the membership.
	return nil
}

// checkEthernet refuses interfaces whose frames do not start with an
// Ethernet header (tunnels, WireGuard, PPP): the kernel filter and the
// decoder would misread every packet there, silently.
func checkEthernet(iface string) error {
	raw, err := os.ReadFile("/sys/class/net/" + iface + "/type")
	if err != nil {
		return nil // no sysfs: let the capture try
	}
	switch strings.TrimSpace(string(raw)) {
	case "1", "772": // ARPHRD_ETHER (Ethernet, veth, bridges), ARPHRD_LOOPBACK
		return nil
	}
	return fmt.Errorf("capture interface %q: link type %s is not Ethernet; capture its Ethernet parent interface instead", iface, strings.TrimSpace(string(raw)))
}
