package block

import (
	"net/netip"
	"slices"
	"sync/atomic"
	"time"
)

// Reason says why an alert blocked nobody; it is the label of the skipped
// metric, so the set is fixed.
type Reason string

// Reasons for not blocking, in the order Decide checks them.
const (
	SkipUndecodable Reason = "undecodable" // not an alert document
	SkipNotAlert    Reason = "not-alert"   // event.kind is not "alert" (reports, audits)
	SkipPhase       Reason = "phase"       // an episode's end: the source went quiet
	SkipAction      Reason = "action"      // not in block.actions
	SkipSuppressed  Reason = "suppressed"  // an allowlist rule covers the source
	SkipSpoofable   Reason = "spoofable"   // a dark-port touch: the address proves nothing
	SkipAddress     Reason = "address"     // source.ip is missing or no address
	SkipSpecial     Reason = "special"     // unspecified, loopback, multicast, broadcast
	SkipOwn         Reason = "own-address" // one of this host's addresses
	SkipNever       Reason = "never"       // in block.never
	SkipInternal    Reason = "internal"    // in network.internal, and block.internal is off
	SkipExpired     Reason = "expired"     // the alert is older than block.timeout
	SkipFull        Reason = "full"        // block.max_elements reached
)

// Reasons lists every Reason, for metrics that show zeros too.
var Reasons = []Reason{SkipUndecodable, SkipNotAlert, SkipPhase, SkipAction, SkipSuppressed, SkipSpoofable,
	SkipAddress, SkipSpecial, SkipOwn, SkipNever, SkipInternal, SkipExpired, SkipFull}

// Decision is the verdict on one alert: block Addr for Timeout, or Skip.
type Decision struct {
	Addr    netip.Addr
	Timeout time.Duration // time left of the block: timeout less the alert's age
	Skip    Reason        // empty when Addr is to be blocked
}

// Decider judges alerts. It is safe for concurrent use; SetOwn replaces the
// host's addresses while it runs.
type Decider struct {
	timeout       time.Duration
	actions       []string
	never         []netip.Prefix
	internal      []netip.Prefix
	blockInternal bool
	own           atomic.Pointer[[]netip.Addr]
}

// NewDecider compiles cfg's lists and network.internal once.
func NewDecider(cfg Config, internal []string) (*Decider, error) {
	never, err := ParsePrefixes("block.never", cfg.Never)
	if err != nil {
		return nil, err
	}
	in, err := ParsePrefixes("network.internal", internal)
	if err != nil {
		return nil, err
	}
	d := &Decider{timeout: cfg.Timeout, actions: slices.Clone(cfg.Actions), never: never, internal: in, blockInternal: cfg.Internal}
	d.SetOwn(nil)
	return d, nil
}

// SetOwn sets this host's addresses, which are never blocked.
func (d *Decider) SetOwn(addrs []netip.Addr) {
	own := slices.Clone(addrs)
	d.own.Store(&own)
}

// Decide judges one alert at wall-clock time now. Only an alert that starts
// or escalates (phase start or update) an episode of a blocked action
// blocks: an end says the source went quiet, and is also what a sensor's
// shutdown emits for every open episode, so it never adds an element; the
// element its start added expires by its own timeout.
func (d *Decider) Decide(a Alert, now time.Time) Decision {
	switch {
	case a.Event.Kind != "alert":
		return Decision{Skip: SkipNotAlert}
	case a.Portsnare.Phase != "start" && a.Portsnare.Phase != "update":
		return Decision{Skip: SkipPhase}
	case !slices.Contains(d.actions, a.Event.Action):
		return Decision{Skip: SkipAction}
	case a.Portsnare.Suppressed:
		return Decision{Skip: SkipSuppressed}
	case a.Portsnare.Honeyport != nil && a.Portsnare.Honeyport.Spoofable:
		return Decision{Skip: SkipSpoofable}
	}
	addr, err := netip.ParseAddr(a.Source.IP)
	if err != nil || addr.Zone() != "" {
		return Decision{Skip: SkipAddress}
	}
	addr = addr.Unmap()
	out := Decision{Addr: addr}
	switch {
	case special(addr):
		out.Skip = SkipSpecial
	case slices.Contains(*d.own.Load(), addr):
		out.Skip = SkipOwn
	case contains(d.never, addr):
		out.Skip = SkipNever
	case !d.blockInternal && contains(d.internal, addr):
		out.Skip = SkipInternal
	default:
		// The alert's time is packet time; a sensor's clock ahead of ours
		// must not lengthen a block beyond the timeout.
		age := max(now.Sub(a.Timestamp), 0)
		out.Timeout = d.timeout - age
		if out.Timeout < time.Second { // nftables counts in milliseconds; a blink is no block
			out.Timeout, out.Skip = 0, SkipExpired
		}
	}
	return out
}

// special reports addresses that name no single remote host.
func special(a netip.Addr) bool {
	return !a.IsValid() || a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() ||
		a.IsInterfaceLocalMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}
