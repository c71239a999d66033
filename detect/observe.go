package detect

import "net/netip"

// Contact states (slot.n of a kindContact record).
const (
	stPending    = iota // probed, no outcome yet
	stFailed            // refused: RST, ICMP unreachable
	stSucceeded         // answered: SYN-ACK, UDP answer, echo reply
	stUnanswered        // no outcome within the reply timeout
	stRetrying          // the sender's stack resent the identical SYN while waiting
	stRetried           // refused, then resent identically: an application retrying
	// stUnansweredScored is stUnanswered for a source that gets answers:
	// the silence counted as a failure, which a late answer takes back.
	stUnansweredScored
)

func contactKey(src addrKey, gen uint64, dst addrKey, proto uint8, port uint16) uint64 {
	return hash5(kindContact, src, gen, dst, uint64(proto)<<16|uint64(port))
}

// orphanSecs is how long an outcome that arrived before its probe waits.
const orphanSecs = 2

// orphanKey holds an outcome that arrived before its probe.
func orphanKey(src addrKey, gen uint64, dst addrKey, proto uint8, port uint16) uint64 {
	return hash5(kindOrphan, src, gen, dst, uint64(proto)<<16|uint64(port))
}

// flowKey identifies a UDP flow in the direction of its first datagram.
func flowKey(a addrKey, aport uint16, b addrKey, bport uint16, proto uint8) uint64 {
	return hash5(kindFlow, a, uint64(aport), b, uint64(proto)<<16|uint64(bport))
}

// tcpFlowKey identifies a TCP connection in either direction, so that one
// lookup serves the segments of both ends.
func tcpFlowKey(a addrKey, aport uint16, b addrKey, bport uint16) uint64 {
	if b.hi < a.hi || (b.hi == a.hi && (b.lo < a.lo || (b.lo == a.lo && bport < aport))) {
		a, aport, b, bport = b, bport, a, aport
	}
	return flowKey(a, aport, b, bport, ProtoTCP)
}

// IsGroup reports whether a is a multicast or the limited broadcast address:
// destinations no scan targets, which carry ordinary LAN chatter (mDNS,
// SSDP, DHCP) and which no connection-oriented probe can have. The decoder
// and the decoys share this test.
func IsGroup(a netip.Addr) bool {
	return a.IsMulticast() || a == limitedBroadcast
}

var limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// Probe feeds one probe. It does not allocate on the steady-state path.
func (e *Engine) Probe(p *Probe) {
	if !p.Src.IsValid() || !p.Dst.IsValid() || p.Src.IsUnspecified() || IsGroup(p.Dst) {
		return
	}
	ns := p.Time.UnixNano()
	now := e.secs(ns)
	e.probes++
	src, dst := keyOf(p.Src), keyOf(p.Dst)

	switch p.Technique {
	case TechACK, TechMaimon, TechTCPOdd:
		// Operating systems put timestamps on mid-flow segments; scanners'
		// crafted ACK and FIN+ACK probes carry no options.
		if p.FP&FPNoTCPOptions == 0 && p.Technique != TechTCPOdd {
			return
		}
		// A segment of a connection seen being accepted is no probe.
		if e.tab.find(tcpFlowKey(src, p.SrcPort, dst, p.DstPort), now) != nil {
			return
		}
	case TechUDP:
		// An answer to a datagram seen going the other way is a reply; only
		// the flow's first answer can tell an outcome.
		if f := e.tab.find(flowKey(dst, p.DstPort, src, p.SrcPort, ProtoUDP), now); f != nil {
			e.replies++
			if f.n == 0 {
				f.n = 1
				e.outcome(p.Dst, dst, p.Src, src, ProtoUDP, p.SrcPort, Succeeded, ns, now)
			}
			return
		}
		if _, isNew := e.tab.upsert(flowKey(src, p.SrcPort, dst, p.DstPort, ProtoUDP), now, 0); !isNew {
			return // a flow already judged by its first datagram
		}
		// A datagram from a service port to an ephemeral one is an answer
		// whose request the sensor did not see (DNS, NTP, QUIC servers).
		if p.SrcPort < 1024 && p.DstPort >= 1024 {
			return
		}
	}

	s, created := e.srcs.get(p.Src, src, ns)
	if !created && ns-s.last > int64(e.cfg.IdleTimeout) {
		e.endEpisode(s, s.last, "idle")
		e.srcs.renew(s, ns)
	}
	if s.probes == 0 {
		s.first = ns // a new episode's first probe (a reset keeps the old time)
	}
	if ns > s.last {
		s.last = ns
	}
	s.probes++
	if s.pendLen > 0 {
		e.judgePending(s, ns, now)
	}

	c, isNew := e.tab.upsert(contactKey(src, s.gen, dst, p.Proto, p.DstPort), now, s.prio())
	if !isNew {
		e.repeat(s, c, p)
		return
	}
	c.n = stPending
	c.sport = p.SrcPort
	c.seq = p.Seq
	e.firstContact(s, p, src, dst, now)
	e.authorize(s, p)
	s.pushPending(c.key, ns)
	if p.Technique != TechConnect && p.Technique != TechARP {
		// Decoys are forged packets; an operating system's connect()
		// cannot send them, so its SYNs need no lock-step check. ARP
		// requests carry no port or sequence number to be in step on.
		e.lock.observe(e, s, p, ns)
	}
	if s.contacts == 2 {
		e.srcs.promote(s)
	}
	// An outcome that arrived before its probe (see outcome) applies now.
	// (Only looked for while one may be waiting: they are rare.)
	if e.orphans && (now < e.orphanAt || now-e.orphanAt <= orphanSecs) {
		if o := e.tab.find(orphanKey(src, s.gen, dst, p.Proto, p.DstPort), now); o != nil && age(o, now) <= orphanSecs {
			out := Outcome(o.n)
			o.key = 0
			e.outcome(p.Src, src, p.Dst, dst, p.Proto, p.DstPort, out, ns, now) // evaluates
			return
		}
	}
	e.evaluate(s, ns)
}

// repeat handles a probe to a contact already made. Only an identical TCP
// SYN matters: the sender's own stack retransmitting. Scanners move on once
// a port has answered; an application with a list of peers retries.
func (e *Engine) repeat(s *source, c *slot, p *Probe) {
	if p.Technique != TechSYN && p.Technique != TechConnect {
		return
	}
	if c.sport != p.SrcPort || c.seq != p.Seq {
		return
	}
	switch c.n {
	case stFailed:
		c.n = stRetried
		s.failed--
		s.score--
		s.retried++
	case stPending:
		c.n = stRetrying
		s.retried++
	}
}

// firstContact updates the source's breadth counters for a new contact.
func (e *Engine) firstContact(s *source, p *Probe, src, dst addrKey, now uint32) {
	ns := p.Time.UnixNano()
	s.contacts++
	s.tech[p.Technique]++
	if s.contacts == 1 {
		s.firstSport, s.firstSeq = p.SrcPort, p.Seq
	} else if p.SrcPort == s.firstSport && p.Seq == s.firstSeq {
		s.sameSportSeq++
	}
	e.toolEvidence(s, p)

	if p.Technique == TechARP {
		// ARP requests count towards ARP sweeps only: a host asking for its
		// gateway has not probed a host.
		e.countPing(s, p, src, now)
		s.arpOrder.step(dst.lo, ns)
		return
	}
	// One record per (source, host) counts the ports (n) and IP protocols
	// (seq) probed there; its creation marks a new host.
	h, isNew := e.tab.upsert(hash5(kindHostPorts, src, s.gen, dst, 0), now, s.prio())
	if isNew {
		s.hosts++
		s.addHostSample(p.Dst)
		s.hostOrder.step(dst.lo, ns)
	}

	switch p.Technique {
	case TechIPProto:
		h.seq++
		if h.seq > s.maxProtosOnHost {
			s.maxProtosOnHost, s.maxHost = h.seq, p.Dst
		}
		return
	case TechICMP:
		e.countPing(s, p, src, now)
		return
	}

	h.n++
	if h.n > s.maxPortsOnHost {
		s.maxPortsOnHost, s.maxHost = h.n, p.Dst
	}
	if h.n > 1 {
		s.portOrder.step(uint64(p.DstPort), ns)
	} else {
		s.portOrder.mark(uint64(p.DstPort), ns)
	}

	ph, isNew := e.tab.upsert(hash5(kindPortHosts, src, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort)), now, s.prio())
	if isNew {
		s.ports++
		s.addPortSample(p.DstPort)
	}
	ph.n++
	if ph.n > s.maxHostsOnPort {
		s.maxHostsOnPort, s.maxPort, s.maxProto = ph.n, p.DstPort, p.Proto
	}
}

// countPing counts hosts sent echo, timestamp, mask or ARP requests.
func (e *Engine) countPing(s *source, p *Probe, src addrKey, now uint32) {
	ph, _ := e.tab.upsert(hash5(kindPortHosts, src, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort)), now, s.prio())
	ph.n++
	if ph.n > s.maxPingHosts {
		s.maxPingHosts = ph.n
	}
}

// judgePending counts first contacts left unanswered past the reply timeout.
// They count as failures only when this source does receive answers: in a
// one-way capture silence says nothing.
func (e *Engine) judgePending(s *source, ns int64, now uint32) {
	deadline := ns - int64(e.cfg.ReplyTimeout)
	for {
		k, ok := s.popExpired(deadline)
		if !ok {
			return
		}
		c := e.tab.find(k, now)
		if c == nil || c.n != stPending {
			continue
		}
		c.n = stUnanswered
		s.unanswered++
		if s.answered > 0 {
			c.n = stUnansweredScored
			s.score++
		}
	}
}

// Reply feeds one reply. Replies never create state: only a source already
// tracked for its probes learns the outcome.
func (e *Engine) Reply(r *Reply) {
	if !r.Prober.IsValid() || !r.Target.IsValid() {
		return
	}
	ns := r.Time.UnixNano()
	now := e.secs(ns)
	e.replies++
	prober, target := keyOf(r.Prober), keyOf(r.Target)
	if r.Proto == ProtoTCP && r.Outcome == Succeeded {
		// The ACKs and FIN+ACKs that follow belong to this connection.
		e.tab.upsert(tcpFlowKey(prober, r.ProberPort, target, r.TargetPort), now, 0)
	}
	e.outcome(r.Prober, prober, r.Target, target, r.Proto, r.TargetPort, r.Outcome, ns, now)
}

// outcome records what became of the first contact prober→target:port.
func (e *Engine) outcome(pa netip.Addr, prober addrKey, ta netip.Addr, target addrKey, proto uint8, port uint16, o Outcome, ns int64, now uint32) {
	s := e.srcs.peekKey(pa, prober)
	if s == nil {
		return
	}
	c := e.tab.find(contactKey(prober, s.gen, target, proto, port), now)
	if c == nil {
		// The probe may still be on its way: packets read from several
		// capture sockets can reach the engine out of order (an ICMP error
		// and the datagram it quotes hash to different sockets). Keep the
		// outcome briefly for the contact to pick up.
		o2, _ := e.tab.upsert(orphanKey(prober, s.gen, target, proto, port), now, 0)
		o2.n = uint32(o)
		e.orphanAt, e.orphans = now, true
		return
	}
	e.matched++
	s.answered++
	switch c.n {
	case stPending, stRetrying:
	case stUnanswered, stUnansweredScored:
		// A late answer: undo the silence.
		s.unanswered--
		if c.n == stUnansweredScored {
			s.score--
		}
	default:
		return // only a contact's first outcome counts
	}
	if c.n == stRetrying {
		s.retried--
	}
	if proto == ProtoARP && port == ARPPort {
		// A neighbour answering ARP says nothing about scanning either way.
		c.n = stSucceeded
		return
	}
	switch o {
	case Failed:
		c.n = stFailed
		s.failed++
		s.score++
		if !s.ep.open {
			e.tgts.failed(e, ta, target, pa, s.key, proto, port, ns, now)
		}
	case Succeeded:
		c.n = stSucceeded
		s.succeeded++
		if s.score > -int32(e.cfg.SuccessCredit) {
			s.score--
		}
	}
	e.evaluate(s, ns)
}
