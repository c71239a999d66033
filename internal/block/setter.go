package block

import (
	"fmt"
	"io"
	"net/netip"
	"time"
)

// Setter keeps the blocked addresses: nftables sets on Linux, a printer
// for --dry-run.
type Setter interface {
	// Add puts a in its family's set for timeout. With replace, a is
	// there already and its element is replaced, to expire later.
	Add(a netip.Addr, timeout time.Duration, replace bool) error
	// Elements returns what the sets hold, with the time each element has
	// left, so that a restart knows them.
	Elements() (map[netip.Addr]time.Duration, error)
	Close() error
}

// Printer is the Setter of --dry-run: it writes what it would do and
// touches nothing.
type Printer struct{ W io.Writer }

// Add prints the block.
func (p Printer) Add(a netip.Addr, timeout time.Duration, replace bool) error {
	verb := "block"
	if replace {
		verb = "extend"
	}
	_, err := fmt.Fprintf(p.W, "%s %s for %s\n", verb, a, timeout.Round(time.Second))
	return err
}

// Elements is empty: a dry run starts from nothing.
func (Printer) Elements() (map[netip.Addr]time.Duration, error) { return nil, nil }

// Close does nothing.
func (Printer) Close() error { return nil }
