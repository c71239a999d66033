package detect

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// targets detects distributed scans: many sources, none of which has
// probed enough to be flagged alone, together failing on many ports of one
// target. Only refused first contacts count, so a busy server that many
// clients reach successfully never qualifies.
type targets struct {
	lru  *simplelru.LRU[netip.Addr, *target]
	gen  uint64
	open map[netip.Addr]*target // targets with an alert raised and not yet ended
	e    *Engine                // for the eviction callback
}

type target struct {
	addr    netip.Addr
	gen     uint64
	first   int64
	last    int64
	ports   uint32
	sources uint32
	open    bool
	seq     uint32
	portsS  []uint16
	// contrib lists the contributing sources (the first maxContrib) with
	// the ports each failed on here.
	contrib []contribution
}

// maxContrib bounds the sources a target remembers by name.
const maxContrib = 64

type contribution struct {
	src   netip.Addr
	ports uint32
}

func newTargets(e *Engine, size int) *targets {
	ts := &targets{open: make(map[netip.Addr]*target), e: e}
	// An open target pushed out for room still ends with its summary.
	ts.lru, _ = simplelru.NewLRU[netip.Addr, *target](size, func(_ netip.Addr, t *target) {
		if t.open {
			ts.finish(ts.e, t, t.last, "evicted")
		}
	})
	return ts
}

// failed records that src's first contact to dst proto/port was refused.
func (ts *targets) failed(e *Engine, dst netip.Addr, dk addrKey, src netip.Addr, sk addrKey, proto uint8, port uint16, ns int64, now uint32) {
	t, ok := ts.lru.Get(dst)
	if !ok || ns-t.last > int64(e.cfg.IdleTimeout) {
		if ok && t.open {
			ts.end(e, t, t.last, "idle")
		}
		ts.gen++
		t = &target{addr: dst, gen: ts.gen, first: ns}
		ts.lru.Add(dst, t)
	}
	t.last = max(t.last, ns)
	if _, isNew := e.tab.upsert(hash5(kindTgtPort, dk, t.gen, addrKey{}, uint64(proto)<<16|uint64(port)), now, 1); isNew {
		t.ports++
		if len(t.portsS) < e.cfg.Samples {
			t.portsS = append(t.portsS, port)
		}
	}
	if _, isNew := e.tab.upsert(hash5(kindTgtSource, dk, t.gen, sk, 0), now, 1); isNew {
		t.sources++
		if len(t.contrib) < maxContrib {
			t.contrib = append(t.contrib, contribution{src: src})
		}
	}
	for i := range t.contrib {
		if t.contrib[i].src == src {
			t.contrib[i].ports++
		}
	}
	if t.open || t.ports < uint32(e.cfg.DistributedPorts) || t.sources < uint32(e.cfg.DistributedSources) {
		return
	}
	// The members are the contributors that have not been flagged on their
	// own: several scanners that each failed here a few times before being
	// caught are separate scans, not one distributed scan.
	var members, ports uint32
	for _, c := range t.contrib {
		if s := e.srcs.peek(c.src); s == nil || (!s.ep.open && !s.leader.IsValid()) {
			members++
			ports += c.ports
		}
	}
	if members < uint32(e.cfg.DistributedSources) || ports < uint32(e.cfg.DistributedPorts) {
		return
	}
	t.open = true
	ts.open[t.addr] = t
	ts.raise(e, t, PhaseStart, ns, "")
}

// memberAddrs lists the contributors not flagged on their own, at most n.
func (ts *targets) memberAddrs(e *Engine, t *target, n int) []string {
	var out []string
	for _, c := range t.contrib {
		if len(out) == n {
			break
		}
		if s := e.srcs.peek(c.src); s == nil || (!s.ep.open && !s.leader.IsValid()) {
			out = append(out, c.src.String())
		}
	}
	return out
}

func (ts *targets) tick(e *Engine, ns int64) {
	for _, t := range ts.open {
		if ns-t.last > int64(e.cfg.EndAfter) {
			ts.end(e, t, ns, "idle")
		}
	}
}

func (ts *targets) flush(e *Engine, ns int64) {
	for _, t := range ts.open {
		ts.end(e, t, ns, "flush")
	}
}

// end raises the target's end alert and forgets it.
func (ts *targets) end(e *Engine, t *target, ns int64, why string) {
	ts.finish(e, t, ns, why)
	ts.lru.Remove(t.addr)
}

func (ts *targets) finish(e *Engine, t *target, ns int64, why string) {
	ts.raise(e, t, PhaseEnd, ns, why)
	t.open = false
	delete(ts.open, t.addr)
}

func (ts *targets) raise(e *Engine, t *target, phase string, ns int64, why string) {
	dst := t.addr.String()
	epID := eventID(e.cfg.Sensor, "distributed", dst, nsString(t.first))
	t.seq++
	srcs := ts.memberAddrs(e, t, e.cfg.Samples)
	if len(srcs) == 0 {
		srcs = []string{t.contrib[0].src.String()}
	}
	a := e.newAlert(ActionDistributedPortscan, phase, epID, t.seq, t.first, t.last, ns)
	a.Message = fmt.Sprintf("distributed portscan: %d sources probed %d ports on %s", t.sources, t.ports, dst)
	a.Source = Endpoint{IP: srcs[0]}
	a.Destination = &Endpoint{IP: dst}
	a.Related = Related{IP: append(append([]string{}, srcs...), dst)}
	a.Network = Network{Transport: "tcp"}
	a.Portsnare.Scan = ScanData{
		Technique: "mixed", Order: "unknown", Contacts: t.ports, Ports: t.ports, Hosts: 1,
		Failed: t.ports, Reason: "distributed-failures", PortsSample: t.portsS,
		HostsSample: []string{dst}, Sources: srcs, EndReason: why,
	}
	e.alerts[ActionDistributedPortscan+"/"+phase]++
	e.sink(a)
}
