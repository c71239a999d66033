package sensor

import (
	"errors"
	"fmt"
	"runtime"
)

// LiveConfig configures live capture.
type LiveConfig struct {
	// Interfaces to capture on; empty means the interface of the default
	// route.
	Interfaces []string
	// Sockets per interface, joined in one fanout group: the kernel spreads
	// packets over them by flow hash and each is read and decoded by its own
	// goroutine. 0 means one per CPU, at most 4.
	Sockets int
	// SnapLen is the bytes kept of each packet: headers are all detection
	// reads, so a small value keeps the ring from filling with payload.
	SnapLen int
	// BlockSize and NumBlocks size each socket's TPACKET_V3 ring.
	BlockSize int
	NumBlocks int
	// Promiscuous puts the interfaces in promiscuous mode (needs
	// CAP_NET_ADMIN), for a sensor on a tap or span port.
	Promiscuous bool
	// DarkPorts are ports of this host's own addresses that nothing serves
	// and no decoy listens on: a SYN or datagram to one is a decoy touch seen
	// by capture alone (spoofable, since no handshake completes).
	DarkPorts []uint16
}

// Bounds of the ring. A TPACKET_V3 ring is kernel memory, pinned while the
// sensor runs: 256 MiB per block and 64 Ki blocks are far past any useful
// size, and the ring of one socket is kept under 4 GiB, since the
// kernel refuses a ring whose block_size x num_blocks overflows 32 bits.
const (
	MaxBlockSize  = 1 << 28
	MaxNumBlocks  = 1 << 16
	MaxRingBytes  = 1<<32 - 1
	maxSocketsCfg = 64
)

// SetDefaults fills unset fields.
func (c *LiveConfig) SetDefaults() {
	if c.Sockets == 0 {
		c.Sockets = min(runtime.NumCPU(), 4)
	}
	if c.SnapLen == 0 {
		c.SnapLen = 192
	}
	if c.BlockSize == 0 {
		c.BlockSize = 1 << 20
	}
	if c.NumBlocks == 0 {
		c.NumBlocks = 32
	}
}

// Validate reports every problem at once.
func (c *LiveConfig) Validate() error {
	var errs []error
	if c.Sockets < 1 || c.Sockets > maxSocketsCfg {
		errs = append(errs, fmt.Errorf("capture.sockets must be between 1 and %d, got %d", maxSocketsCfg, c.Sockets))
	}
	if c.SnapLen < 96 || c.SnapLen > 65535 {
		errs = append(errs, fmt.Errorf("capture.snaplen must be between 96 and 65535, got %d", c.SnapLen))
	}
	blockOK := c.BlockSize >= 4096 && c.BlockSize <= MaxBlockSize && c.BlockSize&(c.BlockSize-1) == 0
	if !blockOK {
		errs = append(errs, fmt.Errorf("capture.block_size must be a power of two between 4096 and %d, got %d", MaxBlockSize, c.BlockSize))
	}
	blocksOK := c.NumBlocks >= 2 && c.NumBlocks <= MaxNumBlocks
	if !blocksOK {
		errs = append(errs, fmt.Errorf("capture.num_blocks must be between 2 and %d, got %d", MaxNumBlocks, c.NumBlocks))
	}
	if blockOK && c.SnapLen >= 96 && c.SnapLen <= 65535 && frameSize(c.SnapLen) > c.BlockSize {
		// A block holds whole frames; the kernel would refuse the ring.
		errs = append(errs, fmt.Errorf("capture.block_size must hold one frame of capture.snaplen %d (%d bytes), got %d", c.SnapLen, frameSize(c.SnapLen), c.BlockSize))
	}
	if blockOK && blocksOK && uint64(c.BlockSize)*uint64(c.NumBlocks) > MaxRingBytes {
		errs = append(errs, fmt.Errorf("capture.block_size x capture.num_blocks must be at most %d bytes per socket, got %d x %d = %d",
			uint64(MaxRingBytes), c.BlockSize, c.NumBlocks, uint64(c.BlockSize)*uint64(c.NumBlocks)))
	}
	for i, n := range c.Interfaces {
		if n == "" {
			errs = append(errs, fmt.Errorf("capture.interfaces[%d] is empty", i))
		}
	}
	for _, p := range c.DarkPorts {
		if p == 0 {
			errs = append(errs, errors.New("honeyport.dark_ports: port 0 is not a port"))
		}
	}
	return errors.Join(errs...)
}

// RingBytes is the kernel memory the capture rings take: block_size x
// num_blocks per socket, sockets per interface, for each interface (one,
// the default route's, when none is named). Sizes are clamped to their
// bounds, so an invalid config gives a finite figure.
func (c *LiveConfig) RingBytes() uint64 {
	ifaces := uint64(max(len(c.Interfaces), 1))
	block := uint64(min(max(c.BlockSize, 0), MaxBlockSize))
	blocks := uint64(min(max(c.NumBlocks, 0), MaxNumBlocks))
	socks := uint64(min(max(c.Sockets, 0), maxSocketsCfg))
	return block * blocks * socks * ifaces
}

// frameSize is the TPACKET frame size for a snap length: header room plus
// the snap length, rounded up to a power of two as the ring requires.
func frameSize(snap int) int {
	n := 256
	for n < snap+128 {
		n <<= 1
	}
	return n
}
