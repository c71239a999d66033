package allowlist

import (
	"math/bits"
	"net/netip"
	"slices"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// tally is one rule's account of the window being watched: what its
// sources probed, in scope and out. Everything is allocated when the rule
// is loaded and cleared after each report, so recording a probe allocates
// nothing: at most 8 KiB of ports, 8 KiB of targets and 5 KiB for
// distinct hosts per rule.
type tally struct {
	name string
	cal  *calendar // nil: reported per scan, not per window

	// The window (scheduled rules), and when the sensor began to watch it.
	haveWin    bool
	start, end time.Time
	watchFrom  time.Time // zero until the first audit
	// Unscheduled rules: episodes open now, and a scan's end not yet
	// reported.
	open  int32
	due   bool
	dueAt time.Time

	episodes      uint32
	probes        uint64 // first contacts in scope
	outOfScope    uint64 // ... out of scope, inside a window
	outsideWindow uint64 // ... outside any window
	firstAny      int64  // ns of the first probe of any kind (unscheduled rules' window start)
	first, last   int64  // ns, in scope; 0 none
	sources       [maxAuditSources]netip.Addr
	nSources      int
	sourcesMore   bool

	ports  []uint64 // bitmap of TCP, UDP and SCTP ports probed
	nPorts uint32
	hosts  *distinct // in-scope hosts (targets, when the rule lists them)

	targets  *targetIndex // nil: the rule lists none
	reached  []uint64     // bitmap over targets, exact indexes only
	nReached uint64
}

const (
	maxAuditSources = 32  // sources told apart per window
	maxPortsListed  = 100 // ports listed in a report, ascending
	maxUnreached    = 16  // targets never probed, listed in a report
)

func newTally(r *rule) *tally {
	t := &tally{name: r.name, ports: make([]uint64, 1<<16/64), hosts: newDistinct()}
	t.cal, _ = calendarOf(r)
	t.setTargets(r)
	return t
}

// setTargets indexes r's targets, clearing what was reached when they
// changed; it reports whether they did.
func (t *tally) setTargets(r *rule) bool {
	if r.targets == nil {
		changed := t.targets != nil
		t.targets, t.reached, t.nReached = nil, nil, 0
		return changed
	}
	if t.targets != nil && slices.Equal(t.targets.v4, r.targets.v4) && slices.Equal(t.targets.v6, r.targets.v6) {
		return false
	}
	t.targets = newTargetIndex(r.targets)
	t.reached, t.nReached = nil, 0
	if t.targets.exact {
		t.reached = make([]uint64, (t.targets.size+63)/64)
	}
	t.hosts.reset()
	return true
}

// record charges p to the rule: in scope, or not.
func (t *tally) record(r *rule, p *detect.Probe, in bool) {
	ns := p.Time.UnixNano()
	if t.firstAny == 0 {
		t.firstAny = ns
	}
	if !in {
		if r.inTime(p.Time) {
			t.outOfScope++
			t.addSource(p.Src)
		} else {
			t.outsideWindow++
		}
		return
	}
	t.probes++
	if t.first == 0 || ns < t.first {
		t.first = ns
	}
	t.last = max(t.last, ns)
	t.addSource(p.Src)
	switch p.Proto {
	case detect.ProtoTCP, detect.ProtoUDP, detect.ProtoSCTP:
		if p.Technique != detect.TechARP {
			if w, b := p.DstPort/64, uint64(1)<<(p.DstPort%64); t.ports[w]&b == 0 {
				t.ports[w] |= b
				t.nPorts++
			}
		}
	}
	if !p.Dst.IsValid() {
		return
	}
	k, v4 := keyOf(p.Dst)
	if t.targets == nil {
		t.hosts.add(k)
		return
	}
	if !r.targets.contains(p.Dst) {
		return // an ARP ask outside the targets: in scope by time alone
	}
	t.hosts.add(k)
	if t.reached != nil {
		if i, ok := t.targets.pos(k, v4); ok {
			if w, b := i/64, uint64(1)<<(i%64); t.reached[w]&b == 0 {
				t.reached[w] |= b
				t.nReached++
			}
		}
	}
}

func (t *tally) addSource(a netip.Addr) {
	for _, s := range t.sources[:t.nSources] {
		if s == a {
			return
		}
	}
	if t.nSources == maxAuditSources {
		t.sourcesMore = true
		return
	}
	t.sources[t.nSources] = a
	t.nSources++
}

// ran reports whether the rule's sources probed in the window.
func (t *tally) ran() bool { return t.probes > 0 || t.outOfScope > 0 }

// report is the account of the window [start, end), then cleared.
func (t *tally) report(start, end time.Time, partial, open bool) detect.Audit {
	a := detect.Audit{
		Rule: t.name, Start: start, End: end, Scheduled: t.cal != nil, Partial: partial || open, Open: open,
		Episodes: t.episodes, Sources: slices.Clone(t.sources[:t.nSources]), SourcesSeen: uint32(t.nSources),
		SourcesMore: t.sourcesMore, Probes: t.probes, Ports: t.nPorts,
		OutOfScope: t.outOfScope, OutsideWindow: t.outsideWindow,
	}
	switch {
	case t.ran():
		a.Result = detect.AuditRan
	case a.Partial:
		a.Result = detect.AuditUnobserved
	default:
		a.Result = detect.AuditMissed
	}
	if t.first != 0 {
		a.First, a.Last = time.Unix(0, t.first).UTC(), time.Unix(0, t.last).UTC()
	}
	a.Hosts, a.HostsEstimated = t.hosts.count()
	for w, bitsSet := range t.ports {
		for ; bitsSet != 0 && len(a.PortsList) < maxPortsListed; bitsSet &= bitsSet - 1 {
			a.PortsList = append(a.PortsList, uint16(w*64+bits.TrailingZeros64(bitsSet)))
		}
	}
	if t.targets != nil {
		a.Targets = t.targets.size
		if t.reached != nil {
			a.Reached, a.CoverageExact = t.nReached, true
			a.Hosts, a.HostsEstimated = t.nReached, false
			for i := uint64(0); i < t.targets.size && len(a.Unreached) < maxUnreached; i++ {
				if t.reached[i/64]&(1<<(i%64)) == 0 {
					a.Unreached = append(a.Unreached, t.targets.addr(uint32(i)))
				}
			}
		} else {
			a.Reached = min(a.Hosts, a.Targets)
		}
	}
	t.clear()
	return a
}

// clear starts the next window's account; episodes open stay open.
func (t *tally) clear() {
	t.episodes, t.probes, t.outOfScope, t.outsideWindow = 0, 0, 0, 0
	t.firstAny, t.first, t.last = 0, 0, 0
	t.nSources, t.sourcesMore = 0, false
	clear(t.ports)
	t.nPorts = 0
	t.hosts.reset()
	clear(t.reached)
	t.nReached = 0
	t.due = false
}
