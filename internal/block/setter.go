package block

import (
	"net/netip"
	"time"
)

// Setter keeps the blocked addresses: nftables sets on Linux; nothing
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

// nopSetter is the Setter of --dry-run: the service reports each decision
// and nothing is touched.
type nopSetter struct{}

func (nopSetter) Add(netip.Addr, time.Duration, bool) error       { return nil }
func (nopSetter) Elements() (map[netip.Addr]time.Duration, error) { return nil, nil }
func (nopSetter) Close() error                                    { return nil }
