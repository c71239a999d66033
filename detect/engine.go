package detect

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// Sink receives alerts. The engine calls it synchronously from Probe, Reply,
// Tick and Flush; a sink that must not block the packet path queues the alert
// (and counts what it cannot queue). The alert is the sink's to keep.
type Sink func(*Alert)

// Stats are the engine's counters.
type Stats struct {
	Probes         uint64            // probes observed
	Replies        uint64            // replies observed (including UDP answers)
	RepliesMatched uint64            // replies that told the outcome of a known first contact
	Sources        int               // sources tracked now
	Evictions      uint64            // sources evicted for room
	Unjudged       uint64            // first contacts given up unjudged by a full wait queue
	LoneKept       uint64            // first probes of untracked sources kept in a lone slot (see lone.go)
	LoneTracked    uint64            // of them, sources tracked after all: they came back
	Alerts         map[string]uint64 // by "action/phase"
}

// Engine is the detection engine. It is not safe for concurrent use: the
// live sensor decodes on several goroutines and feeds one engine from one
// goroutine, so that every source's state, and the correlation across
// sources that decoy and distributed scans need, lives in one place.
type Engine struct {
	cfg    Config
	sink   Sink
	policy Policy
	// auditor is the policy as an Auditor, when it is one; audits is its
	// reused buffer.
	auditor   Auditor
	audits    []Audit
	auditFrom ptime // the first audit's time: a live sensor watches from its start

	epoch    ptime // table times count seconds from it (see secs)
	started  bool
	tab      *table
	srcs     *sourceTable
	lockstep *lockstepTable // decoy scans: sources sending identical probes in step
	lone     *loneTable     // first probes of sources seen once (see lone.go)
	tgts     *targets
	active   map[addrKey]*source // sources with an open episode
	orphans  bool                // an outcome arrived before its probe ...
	marks    orphanMarks         // ... and which keys may have one (see orphanmark.go)
	orphanAt tsecs               // ... this recently (table seconds)
	held     map[addrKey]*source // sources whose verdict waits (see mustHold)
	wait     *waitQueue          // first contacts awaiting their answer
	asks     *waitQueue          // neighbour asks awaiting their answer and use
	deferred *deferQueue         // answers whose probe has not been seen (see deferQueue)
	askAt    ptime               // packet time of the latest neighbour ask
	sent     [sentSlots]sentMark // recent first-contact destinations (see ask)
	pf       prefetcher          // the addresses of the packet being prefetched (see prefetch.go)

	dark        darkSet  // dark ports and the hosts they are watched on
	aggregates  bool     // IPv6 sources are tracked by prefix
	v6mask      addrKey  // ... of this mask
	authorizing Probe    // the probe the policy is looking at (see authorize)
	evidence    Evidence // the record handed to cfg.Evidence, reused (see exportEvidence)

	probes, replies, matched uint64
	loneKept, loneAdopted    uint64
	alerts                   map[string]uint64
}

// New returns an engine, or the configuration's problems.
func New(cfg Config, sink Sink) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sink == nil {
		sink = func(*Alert) {}
	}
	e := &Engine{
		cfg:      cfg,
		sink:     sink,
		tab:      newTable(cfg.ContactTableSize, secsOf(cfg.IdleTimeout)+1),
		lockstep: newLockstepTable(lockSlotsFor(cfg.ContactTableSize)),
		lone:     newLoneTable(loneSlotsFor(cfg.ContactTableSize)),
		active:   make(map[addrKey]*source),
		held:     make(map[addrKey]*source),
		wait:     newWaitQueue(waitSlotsFor(cfg.ContactTableSize)),
		asks:     newWaitQueue(waitSlotsFor(cfg.ContactTableSize) / 4),
		deferred: newDeferQueue(waitSlotsFor(cfg.ContactTableSize) / 4),
		alerts:   make(map[string]uint64),

		dark:       newDarkSet(cfg.DarkPorts, cfg.DarkHosts),
		aggregates: cfg.IPv6PrefixLen < 128,
		v6mask:     v6Mask(cfg.IPv6PrefixLen),
	}
	e.srcs = newSourceTable(cfg.MaxSources, cfg.Shards, cfg.RecentFraction, e.evicted)
	e.tgts = newTargets(e, max(cfg.MaxSources/8, 64))
	return e, nil
}

// Tick runs housekeeping at packet time now: contacts whose reply timeout
// has passed are judged, and open episodes idle for longer than EndAfter end
// with their summary. Call it about once per second of packet time; calling
// it more often is harmless. Sources are visited in a fixed order (by first
// packet time, then address), so the same capture gives the same alerts in
// the same order on every run.
func (e *Engine) Tick(now time.Time) {
	ns := ptimeOf(now)
	e.expire(ns)
	for _, s := range e.sorted(e.held) {
		if ns >= s.x.ep.holdUntil {
			e.evaluate(s, ns)
		}
	}
	for _, s := range e.sorted(e.active) {
		if ns.sub(s.last) > e.cfg.EndAfter {
			e.endEpisode(s, ns, EndIdle)
		}
	}
	e.tgts.tick(e, ns)
	e.audit(ns, false)
}

// Flush ends every open episode, as at the end of a replay or on shutdown.
// Contacts still awaiting an answer are judged unanswered first: none will
// come.
func (e *Engine) Flush(now time.Time) {
	ns := ptimeOf(now)
	e.expireAll(ns)
	for _, s := range e.sorted(e.held) {
		if s.x.ep.holdAsks && ns < s.x.ep.holdUntil && !e.sweepsWithoutRepeat(s) {
			// Cut short before the asks could repeat, and nothing else
			// says sweep: not raised.
			s.x.ep.holdUntil = 0
			delete(e.held, s.key)
			continue
		}
		s.x.ep.holdUntil = min(s.x.ep.holdUntil, ns)
		e.evaluate(s, ns)
	}
	for _, s := range e.sorted(e.active) {
		e.endEpisode(s, ns, EndFlush)
	}
	e.tgts.flush(e, ns)
	e.audit(ns, true)
}

// sorted returns m's sources by first packet time, then address, as a
// slice of its own: visiting them may change m.
func (e *Engine) sorted(m map[addrKey]*source) []*source {
	order := make([]*source, 0, len(m))
	for _, s := range m {
		order = append(order, s)
	}
	slices.SortFunc(order, func(a, b *source) int {
		return cmp.Or(cmp.Compare(a.first, b.first), a.address().Compare(b.address()))
	})
	return order
}

// sortedTargets returns m's targets by first failure time, then address.
func sortedTargets(m map[netip.Addr]*target) []*target {
	ts := make([]*target, 0, len(m))
	for _, t := range m {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b *target) int {
		return cmp.Or(cmp.Compare(a.first, b.first), a.addr.Compare(b.addr))
	})
	return ts
}

// Stats returns a snapshot of the counters.
func (e *Engine) Stats() Stats {
	a := make(map[string]uint64, len(e.alerts))
	for k, v := range e.alerts {
		a[k] = v
	}
	return Stats{
		Probes:         e.probes,
		Replies:        e.replies,
		RepliesMatched: e.matched,
		Sources:        e.srcs.len(),
		Evictions:      e.srcs.evictions,
		Unjudged:       e.wait.dropped + e.asks.dropped,
		LoneKept:       e.loneKept,
		LoneTracked:    e.loneAdopted,
		Alerts:         a,
	}
}

// evicted is called when a source is pushed out for room.
func (e *Engine) evicted(s *source) {
	e.endEpisode(s, s.last, EndEvicted)
	delete(e.held, s.key)
}
