package detect

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
	"unsafe"
)

// Upper bounds of the sizes an operator chooses. Each is far above what a
// busy sensor needs, and low enough that the memory it implies is counted
// in gigabytes, not exabytes: a value past them is a typo, and the engine
// would otherwise spin or die allocating it at start.
const (
	// MaxMaxSources is the most sources tracked at once (at most ~1.4 KB each).
	MaxMaxSources = 1 << 24
	// MaxShards is the most LRU shards; more only adds fixed overhead.
	MaxShards = 4096
	// MaxContactTableSize is the most first-contact slots (24 bytes each).
	MaxContactTableSize = maxTableSlots
)

// Config holds the engine's thresholds, state limits and timeouts. The zero
// value is not valid; start from DefaultConfig. Defaults are chosen so that
// ordinary networks need no tuning.
type Config struct {
	// Sensor names this sensor in alerts (observer.hostname) and event ids.
	Sensor string

	// Evidence, when set, receives every first contact a fleet
	// correlator weighs (see EvidenceSink). It is no configuration key:
	// the sensor sets it when fleet.enabled.
	Evidence EvidenceSink

	// Reordered tells the engine that packets may reach it out of packet
	// order by a fraction of a second: the live sensor reads several
	// capture sockets, each handing over its own batches, and the copies a
	// decoy scan (nmap -D) sends beside each real probe may land in another
	// socket's batch than the probe. A verdict on a source with no lock-step
	// co-sender yet then waits DecoyWindow of packet time for them, so that
	// a decoy scan is one decoy alert, not a port scan first. No
	// configuration key: the sensor sets it.
	Reordered bool

	// MaxSources bounds the number of sources tracked at once.
	MaxSources int
	// Shards splits source state into independent LRU lists, so that each
	// list, and the work of evicting from it, stays short.
	Shards int
	// RecentFraction is the share of MaxSources given to the probation
	// segment, where sources tracked on a single contact (a decoy touch, an
	// odd probe, an answer seen alone) wait for their next. A flood of such
	// sources churns only this segment and cannot evict an established
	// scanner; sources seen once with an ordinary probe take no tracked
	// state at all (see lone.go).
	RecentFraction float64
	// ContactTableSize is the number of first-contact slots (rounded up to a
	// power of two). Each slot costs 24 bytes.
	ContactTableSize int

	// IdleTimeout forgets a source's state after this much packet time
	// without a probe; state is kept this long so slow scans are caught.
	IdleTimeout time.Duration
	// EndAfter ends an alerted episode (with its summary) after this much
	// packet time without a probe from its source.
	EndAfter time.Duration
	// ReplyTimeout is how long a first contact waits for its answer before it
	// counts as unanswered. Silence weighs as a failure only for a SYN or
	// SCTP INIT from a source that does get answers (UDP services, FIN/NULL/
	// Xmas/ACK probes and NATs are silent for other reasons); unanswered
	// pings count as dead hosts.
	ReplyTimeout time.Duration
	// DecoyWindow is how close in time probes from different sources must be to
	// count as lock-step.
	DecoyWindow time.Duration

	// FailedContacts is the Threshold Random Walk's upper threshold: the net
	// count of failed over successful first contacts that flags a scanner.
	FailedContacts int
	// SuccessCredit is the random walk's floor: how many successes a busy
	// client can bank against later failures.
	SuccessCredit int
	// VerticalPorts, HorizontalHosts and BlockContacts are breadth, which
	// decides only where the sensor sees too few answers to a source for
	// outcomes to: this many ports of one host, this many hosts on one port
	// (only where no answer at all is seen), this many distinct (host, port)
	// pairs over several hosts and ports.
	VerticalPorts   int
	HorizontalHosts int
	BlockContacts   int
	// PingHosts flags one source pinging this many hosts, a third or more
	// of them dead (and at least half this many) where answers are visible;
	// and this many neighbour (ARP/NDP) asks for addresses never used.
	PingHosts int
	// IPProtocols flags one source probing this many IP protocols on a host.
	IPProtocols int
	// DecoyMinSources and DecoyMinProbes: that many sources in lock-step for
	// that many probes make a decoy scan.
	DecoyMinSources int
	DecoyMinProbes  int
	// DistributedSources and DistributedPorts: this many sources refused on
	// one target within DistributedWindow, each taking a share of its ports
	// (at most half, mostly its own), on this many ports together, make a
	// distributed scan.
	DistributedSources int
	DistributedPorts   int
	// DistributedWindow is how close in time the sources of a distributed
	// scan must fail on their target to count as one scan.
	DistributedWindow time.Duration
	// BurstWindow is the span within which short-lived evidence must
	// gather: odd probes and neighbour discovery.
	BurstWindow time.Duration
	// OddProbes flags a source that sends this many probes no operating
	// system's stack sends (NULL, FIN, Xmas, SYN with FIN or URG ...) within
	// BurstWindow.
	OddProbes int
	// OSProbes flags a source that sends this many of nmap's OS-detection
	// probes (recognised by their TCP timestamp option).
	OSProbes int
	// IPv6PrefixLen aggregates IPv6 sources into prefixes of this length
	// (64: a scanner rotating addresses inside its /64 is one source; 128:
	// one source per address). Link-local sources are never aggregated.
	IPv6PrefixLen int
	// DarkPorts are ports nothing serves on DarkHosts (TCP and UDP): a SYN
	// or datagram to one is a decoy touch, seen by capture alone.
	DarkPorts []uint16
	// DarkHosts are the addresses dark ports are watched on; empty means
	// every destination. The live sensor passes its own addresses.
	DarkHosts []netip.Addr

	// UpdateFactor: an update alert is raised each time the episode's breadth
	// grows by this factor.
	UpdateFactor int
	// Samples is how many ports and hosts an alert lists.
	Samples int
}

// DefaultConfig returns sound defaults.
func DefaultConfig() Config {
	return Config{
		Sensor:             "portsnare",
		MaxSources:         200_000,
		Shards:             16,
		RecentFraction:     0.25,
		ContactTableSize:   1 << 20,
		IdleTimeout:        2 * time.Hour,
		EndAfter:           15 * time.Minute,
		ReplyTimeout:       5 * time.Second,
		DecoyWindow:        200 * time.Millisecond,
		FailedContacts:     4,
		SuccessCredit:      4,
		VerticalPorts:      20,
		HorizontalHosts:    32,
		BlockContacts:      64,
		PingHosts:          16,
		IPProtocols:        8,
		DecoyMinSources:    2,
		DecoyMinProbes:     5,
		DistributedSources: 8,
		DistributedPorts:   24,
		DistributedWindow:  10 * time.Minute,
		BurstWindow:        time.Minute,
		OddProbes:          5,
		OSProbes:           4,
		IPv6PrefixLen:      64,
		UpdateFactor:       10,
		Samples:            maxSamples,
	}
}

// Validate reports every problem at once, each naming the field and its value.
func (c *Config) Validate() error {
	var errs []error
	pos := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %d", name, v))
		}
	}
	dur := func(name string, v time.Duration) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive duration, got %s", name, v))
		}
	}
	if c.Sensor == "" {
		errs = append(errs, errors.New("sensor name must not be empty"))
	}
	pos("max_sources", c.MaxSources)
	if c.MaxSources > MaxMaxSources {
		errs = append(errs, fmt.Errorf("max_sources must be at most %d, got %d", MaxMaxSources, c.MaxSources))
	}
	pos("shards", c.Shards)
	if c.Shards > MaxShards {
		errs = append(errs, fmt.Errorf("shards must be at most %d, got %d", MaxShards, c.Shards))
	}
	if c.Shards > 0 && c.MaxSources > 0 && c.MaxSources < 4*c.Shards {
		errs = append(errs, fmt.Errorf("max_sources (%d) must be at least 4 x shards (%d)", c.MaxSources, c.Shards))
	}
	if c.RecentFraction <= 0 || c.RecentFraction >= 1 {
		errs = append(errs, fmt.Errorf("recent_fraction must be between 0 and 1 exclusive, got %g", c.RecentFraction))
	}
	if c.ContactTableSize < 1024 || c.ContactTableSize > MaxContactTableSize {
		errs = append(errs, fmt.Errorf("contact_table_size must be between 1024 and %d, got %d", MaxContactTableSize, c.ContactTableSize))
	}
	dur("idle_timeout", c.IdleTimeout)
	dur("end_after", c.EndAfter)
	if c.EndAfter > 0 && c.IdleTimeout > 0 && c.EndAfter > c.IdleTimeout {
		errs = append(errs, fmt.Errorf("end_after (%s) must not exceed idle_timeout (%s)", c.EndAfter, c.IdleTimeout))
	}
	dur("reply_timeout", c.ReplyTimeout)
	dur("decoy_window", c.DecoyWindow)
	pos("failed_contacts", c.FailedContacts)
	if c.SuccessCredit < 0 {
		errs = append(errs, fmt.Errorf("success_credit must not be negative, got %d", c.SuccessCredit))
	}
	pos("vertical_ports", c.VerticalPorts)
	pos("horizontal_hosts", c.HorizontalHosts)
	pos("block_contacts", c.BlockContacts)
	pos("ping_hosts", c.PingHosts)
	pos("ip_protocols", c.IPProtocols)
	if c.DecoyMinSources < 2 {
		errs = append(errs, fmt.Errorf("decoy_min_sources must be at least 2, got %d", c.DecoyMinSources))
	}
	pos("decoy_min_probes", c.DecoyMinProbes)
	if c.DistributedSources < 2 {
		errs = append(errs, fmt.Errorf("distributed_sources must be at least 2, got %d", c.DistributedSources))
	}
	pos("distributed_ports", c.DistributedPorts)
	dur("distributed_window", c.DistributedWindow)
	dur("burst_window", c.BurstWindow)
	pos("odd_probes", c.OddProbes)
	pos("os_probes", c.OSProbes)
	if c.IPv6PrefixLen < 8 || c.IPv6PrefixLen > 128 {
		errs = append(errs, fmt.Errorf("ipv6_prefix_len must be between 8 and 128, got %d", c.IPv6PrefixLen))
	}
	if c.UpdateFactor < 2 {
		errs = append(errs, fmt.Errorf("update_factor must be at least 2, got %d", c.UpdateFactor))
	}
	for _, p := range c.DarkPorts {
		if p == 0 {
			errs = append(errs, errors.New("dark_ports: port 0 is not a port"))
		}
	}
	for _, h := range c.DarkHosts {
		if !h.IsValid() {
			errs = append(errs, errors.New("dark_hosts: an address is not valid"))
		}
	}
	if c.Samples < 1 || c.Samples > maxSamples {
		errs = append(errs, fmt.Errorf("samples must be between 1 and %d, got %d", maxSamples, c.Samples))
	}
	return errors.Join(errs...)
}

// sourceBytes is what one tracked source costs at most: its record, its
// detail (see detail.go), the LRU's entry and map slot. Most sources never
// get their detail and cost about 400 bytes; the estimate assumes all do.
const sourceBytes = 1408

// MemoryBytes estimates the memory the engine's state takes once full:
// the first-contact table, the queues and the lock-step table sized from
// it, and MaxSources sources with their targets. Sizes are clamped to
// their bounds first, so the estimate of an invalid Config is finite.
func (c *Config) MemoryBytes() uint64 {
	contacts := min(max(c.ContactTableSize, 0), MaxContactTableSize)
	sources := uint64(min(max(c.MaxSources, 0), MaxMaxSources))
	wait := uint64(waitSlotsFor(contacts))
	b := uint64(tableSlots(contacts)) * uint64(unsafe.Sizeof(slot{}))
	b += uint64(lockSlotsFor(contacts)) * uint64(unsafe.Sizeof(lockSlot{})+unsafe.Sizeof(lockTag{}))
	b += uint64(loneSlotsFor(contacts)) * uint64(unsafe.Sizeof(loneProbe{}))
	b += (wait + wait/4) * uint64(unsafe.Sizeof(waiting{}))
	b += wait / 4 * uint64(unsafe.Sizeof(deferred{}))
	b += sources * sourceBytes
	b += max(sources/8, 64) * (uint64(unsafe.Sizeof(target{})) + 128)
	b += uint64(min(max(c.Shards, 0), MaxShards)) * 4096
	return b
}
