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
	if c.Sockets < 1 || c.Sockets > 64 {
		errs = append(errs, fmt.Errorf("capture.sockets must be between 1 and 64, got %d", c.Sockets))
	}
	if c.SnapLen < 96 || c.SnapLen > 65535 {
		errs = append(errs, fmt.Errorf("capture.snaplen must be between 96 and 65535, got %d", c.SnapLen))
	}
	if c.BlockSize < 4096 || c.BlockSize&(c.BlockSize-1) != 0 {
		errs = append(errs, fmt.Errorf("capture.block_size must be a power of two of at least 4096, got %d", c.BlockSize))
	}
	if c.NumBlocks < 2 {
		errs = append(errs, fmt.Errorf("capture.num_blocks must be at least 2, got %d", c.NumBlocks))
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
