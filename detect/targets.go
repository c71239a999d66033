package detect

import (
	"fmt"
	"math/bits"
	"net/netip"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// targets detects distributed scans: several sources splitting the ports of
// one target among them within one window, each probing a few. Only
// refused first contacts count, so a busy server that many clients reach
// successfully never qualifies, and a service that is down (many clients
// refused on one port) is no scan of many ports.
//
// The participants are the sources that failed there within the window,
// each taking a share of the ports, mostly its own (see participants). A
// participant also alerted on its own is referenced by its episode id.
type targets struct {
	lru  *simplelru.LRU[netip.Addr, *target]
	free []*target              // forgotten targets, kept for their slices
	open map[netip.Addr]*target // targets with an alert raised and not yet ended
	e    *Engine                // for the eviction callback
}

type target struct {
	addr  netip.Addr
	first ptime
	last  ptime
	open  bool
	seq   uint32
	// contrib lists the sources that failed here (at most maxContrib; a
	// newcomer takes the place of one idle for longer than the window).
	contrib []contribution
	// ports lists the ports that failed here (at most maxTargetPorts),
	// each with the set of contributors (bit i: contrib[i]) refused there;
	// index finds a port in it (see targetports.go).
	ports []targetPort
	index []uint32
	// members is the set of participants when the alert was raised, and
	// grows while it is open.
	members uint64
}

type contribution struct {
	src   netip.Addr
	first ptime
	last  ptime
	ports uint32 // ports of this target this source failed on
	// seen: a probe of this source's was captured, not only answers to
	// probes it is inferred to have sent (see participants).
	seen bool
	// episode is the id of the source's own episode, once it is alerted
	// on its own while a member.
	episode string
}

type targetPort struct {
	proto uint8
	port  uint16
	by    uint64
}

const (
	// maxContrib bounds the sources a target remembers: one bit each.
	maxContrib = 64
	// maxTargetPorts bounds the failed ports a target remembers.
	maxTargetPorts = 4096
)

func newTargets(e *Engine, size int) *targets {
	ts := &targets{open: make(map[netip.Addr]*target), e: e}
	// An open target pushed out for room still ends with its summary.
	ts.lru, _ = simplelru.NewLRU[netip.Addr, *target](size, func(_ netip.Addr, t *target) {
		if t.open {
			ts.finish(ts.e, t, t.last, EndEvicted)
		}
		ts.free = append(ts.free, t)
	})
	return ts
}

// failed records that src's first contact a was refused; s is src's
// record, nil for a source seen once (see lone.go).
func (ts *targets) failed(e *Engine, src netip.Addr, s *source, a *answer) {
	ns := a.ns
	win := e.cfg.DistributedWindow
	t, ok := ts.lru.Get(a.target)
	if !ok || ns.sub(t.last) > win {
		if ok && t.open {
			ts.end(e, t, t.last, EndIdle)
		}
		t = ts.fresh(a.target, ns)
		ts.lru.Add(a.target, t)
	}
	t.last = max(t.last, ns)
	i := t.contributor(src, ns, win)
	if i < 0 {
		return
	}
	t.contrib[i].ports++
	t.contrib[i].last = max(t.contrib[i].last, ns)
	// A lone source's refusal answers a probe that was captured.
	t.contrib[i].seen = t.contrib[i].seen || s == nil || s.probes > 0
	t.addPort(a.proto, a.targetPort, i)
	if t.open {
		// A newcomer joins an open alert on the terms its members met:
		// a share of the ports, mostly its own.
		if t.members&(1<<i) == 0 && t.participants(ns, e)&(1<<i) != 0 {
			t.members |= 1 << i
		}
		if s != nil && s.open() && t.members&(1<<i) != 0 && t.contrib[i].episode == "" {
			t.contrib[i].episode = s.episodeID(e)
		}
		return
	}
	m := t.participants(ns, e)
	if bits.OnesCount64(m) < e.cfg.DistributedSources || t.portsOf(m) < e.cfg.DistributedPorts {
		return
	}
	t.members = m
	t.open = true
	ts.open[t.addr] = t
	ts.raise(e, t, PhaseStart, ns, "")
}

// fresh returns a cleared target for addr, reusing a forgotten one's
// slices: a refusal on a new target allocates nothing once warmed up.
func (ts *targets) fresh(addr netip.Addr, ns ptime) *target {
	var t *target
	if n := len(ts.free); n > 0 {
		t = ts.free[n-1]
		ts.free = ts.free[:n-1]
	} else {
		t = new(target)
	}
	*t = target{addr: addr, first: ns, contrib: t.contrib[:0], ports: t.ports[:0], index: t.index[:0]}
	return t
}

// contributor returns the index of src among t's contributors, adding it
// if new; -1 when there is no room.
func (t *target) contributor(src netip.Addr, ns ptime, win time.Duration) int {
	for i := range t.contrib {
		if t.contrib[i].src == src {
			return i
		}
	}
	if len(t.contrib) < maxContrib {
		t.contrib = append(t.contrib, contribution{src: src, first: ns, last: ns})
		return len(t.contrib) - 1
	}
	// Reuse the place of a contributor idle for longer than the window
	// (never a member of an open alert).
	for i := range t.contrib {
		if ns.sub(t.contrib[i].last) > win && t.members&(1<<i) == 0 {
			// Its ports go with it: those no one else failed on leave
			// the list, so a long-scanned target keeps room.
			clear := ^uint64(1 << i)
			kept := t.ports[:0]
			for _, p := range t.ports {
				if p.by &= clear; p.by != 0 {
					kept = append(kept, p)
				}
			}
			t.ports = kept
			t.reindex(len(t.index))
			t.contrib[i] = contribution{src: src, first: ns, last: ns}
			return i
		}
	}
	return -1
}

// participants is the set of contributors that split the target's ports
// among them now: within the window, none covering more than half of what
// they failed on together (a source that did is a scan of its own, not a
// share of another), each with ports mostly its own — sources splitting a
// target probe disjoint slices, while independent scanners of one target
// overlap on the ports everyone tries first.
//
// A source the sensor never saw send anything, refused on one port only,
// takes no part: that is backscatter, a flood's victim answering the
// addresses its attacker forged — RSTs or unreachables to many addresses
// of the monitored range, each on another port, the shape of a
// distributed scan seen from the target's side. Such a source counts once
// its inferred probes are refused on two ports, or once one of its probes
// is seen.
func (t *target) participants(ns ptime, e *Engine) uint64 {
	var m uint64
	for i := range t.contrib {
		c := &t.contrib[i]
		if ns.sub(c.last) <= e.cfg.DistributedWindow && (c.seen || c.ports >= 2) {
			m |= 1 << i
		}
	}
	if bits.OnesCount64(m) < e.cfg.DistributedSources {
		return m
	}
	union := uint32(t.portsOf(m))
	for i := range t.contrib {
		if m&(1<<i) != 0 && 2*t.contrib[i].ports > union {
			m &^= 1 << i
		}
	}
	var own [maxContrib]uint32
	for j := range t.ports {
		if by := t.ports[j].by & m; by != 0 && by&(by-1) == 0 {
			own[bits.TrailingZeros64(by)]++
		}
	}
	for i := range t.contrib {
		if m&(1<<i) != 0 && 2*own[i] < t.contrib[i].ports {
			m &^= 1 << i
		}
	}
	return m
}

// portsOf counts the ports that members of m failed on.
func (t *target) portsOf(m uint64) int {
	n := 0
	for j := range t.ports {
		if t.ports[j].by&m != 0 {
			n++
		}
	}
	return n
}

func (ts *targets) tick(e *Engine, ns ptime) {
	for _, t := range sortedTargets(ts.open) {
		if ns.sub(t.last) > e.cfg.EndAfter {
			ts.end(e, t, ns, EndIdle)
		}
	}
}

func (ts *targets) flush(e *Engine, ns ptime) {
	for _, t := range sortedTargets(ts.open) {
		ts.end(e, t, ns, EndFlush)
	}
}

// end raises the target's end alert and forgets it.
func (ts *targets) end(e *Engine, t *target, ns ptime, why EndReason) {
	ts.finish(e, t, ns, why)
	ts.lru.Remove(t.addr)
}

func (ts *targets) finish(e *Engine, t *target, ns ptime, why EndReason) {
	ts.raise(e, t, PhaseEnd, ns, why)
	t.open = false
	delete(ts.open, t.addr)
}

func (ts *targets) raise(e *Engine, t *target, phase Phase, ns ptime, why EndReason) {
	dst := t.addr.String()
	epID := eventID(e.cfg.Sensor, "distributed", dst, nsString(t.first))
	t.seq++
	// The sources named are those still taking a share now: a member
	// that went on to cover most of the target alone is a scan of its own.
	members := t.members
	if m := t.members & t.participants(t.last, e); m != 0 {
		members = m
	}
	var srcs, eps []string
	var samples []uint16
	for i := range t.contrib {
		if members&(1<<i) == 0 {
			continue
		}
		c := &t.contrib[i]
		srcs = append(srcs, c.src.String())
		if s := e.lookup(c.src); c.episode == "" && s != nil && s.open() {
			c.episode = s.episodeID(e)
		}
		if c.episode != "" {
			eps = append(eps, c.episode)
		}
	}
	for j := range t.ports {
		if t.ports[j].by&members != 0 && len(samples) < e.cfg.Samples {
			samples = append(samples, t.ports[j].port)
		}
	}
	nports := uint32(t.portsOf(members))
	a := e.newAlert(ActionDistributedPortscan, phase, epID, t.seq, t.first, t.last, ns)
	a.Message = fmt.Sprintf("distributed portscan: %d sources probed %d ports on %s", len(srcs), nports, dst)
	a.Source = Endpoint{IP: srcs[0]}
	a.Destination = &Endpoint{IP: dst}
	a.Related = Related{IP: append(append([]string{}, srcs...), dst)}
	a.Network = Network{Transport: "tcp"}
	a.Portsnare.Scan = ScanData{
		Technique: "mixed", Order: "unknown", Contacts: nports, Ports: nports, Hosts: 1,
		Failed: nports, Reason: "distributed-failures", PortsSample: samples,
		HostsSample: []string{dst}, Sources: srcs, Episodes: eps, EndReason: why,
	}
	e.emit(a)
}
