package detect

// Probe feeds one probe. It does not allocate on the steady-state path.
func (e *Engine) Probe(p *Probe) {
	if !p.Src.IsValid() || !p.Dst.IsValid() || p.Src.IsUnspecified() || IsGroup(p.Dst) {
		return
	}
	if e.probe(p) && e.dark.any && e.dark.touches(p) {
		e.darkTouch(p)
	}
}

// probe is Probe for a valid probe; it reports whether the packet was a
// probe (not a segment of a connection or an answer). Its steps, in order:
// the traffic note neighbour discovery needs, the test of whether the
// packet is a probe at all, the source's record, and the contact — new, or
// made before.
func (e *Engine) probe(p *Probe) bool {
	ns := ptimeOf(p.Time)
	now := e.secs(ns)
	e.probes++
	src, dst := keyOf(p.Src), keyOf(p.Dst)
	e.expire(ns)
	if p.Technique == TechConnect && zmapSYN(p) {
		// A raw-socket SYN dressed in Windows' options (zmap >= 4.1): the
		// decoder took it for an operating system's connect(). Relabelled
		// on a copy: the caller's probe is its own.
		q := *p
		q.Technique = TechSYN
		p = &q
	}
	fam := familyOf(p.Proto, p.DstPort)
	if fam != famNeighbour {
		e.noteTraffic(dst, ns, now)
	}
	if !e.isProbe(p, src, dst, ns, now) {
		return false
	}
	if fam != famNeighbour {
		// A source seen for the first time costs a lone slot only (see
		// lone.go), until a second contact proves it more than a stray.
		sk := e.aggKey(src)
		if e.srcs.peekKey(sk) == nil && e.loneEligible(p, fam) && e.keepLone(p, sk, src, dst, ns) {
			return true
		}
	}
	s := e.sourceOf(p, src, fam, ns)
	odd := e.oddEvidence(s, p, ns)
	ref := contactRef{dst: dst, port: p.DstPort, proto: p.Proto, fam: fam, tech: p.Technique}
	c, isNew := e.tab.upsert(contactKey(s.key, s.gen, dst, p.Proto, p.DstPort), now, s.prio())
	if !isNew {
		e.contactAgain(s, c, p, ref, odd, ns, now)
		return true
	}
	e.newContact(s, c, p, ref, ns, now)
	if !e.pickUpOrphan(s, p, src, dst, ns, now) {
		e.evaluate(s, ns)
	}
	return true
}

// noteTraffic notes a packet to dst for neighbour discovery: an ask for an
// address that traffic then goes to was resolution, not discovery. Noted
// even before any ask is seen: packets from several capture sockets arrive
// out of order, and an ask may be read after the traffic it was made for.
func (e *Engine) noteTraffic(dst addrKey, ns ptime, now tsecs) {
	e.sentTo(dst, ns)
	if e.asking(ns) {
		e.markUsed(dst, now)
	}
}

// sourceOf returns the record of p's source — its IPv6 prefix's, where
// sources are aggregated — counting the probe. A new record first takes
// the source's lone probe, if one is kept.
func (e *Engine) sourceOf(p *Probe, src addrKey, fam family, ns ptime) *source {
	s, created := e.srcs.get(e.trackKey(src, fam), ns)
	if created {
		e.adoptLone(s, ns)
	} else if ns.sub(s.last) > e.cfg.IdleTimeout {
		// Idle for longer than the idle timeout: the episode ends, and
		// the source starts afresh.
		e.endEpisode(s, s.last, EndIdle)
		e.srcs.renew(s, ns)
	}
	e.countProbe(s, p, ns)
	return s
}

// countProbe counts probe p of s at packet time ns.
func (e *Engine) countProbe(s *source, p *Probe, ns ptime) {
	if s.probes == 0 {
		s.first = ns // a new episode's first probe (a reset keeps the old time)
	}
	if ns > s.last {
		s.last = ns
	}
	s.probes++
	if e.aggregated(s) {
		s.noteAddr(p.Src)
	}
}

// contactAgain handles a probe to a contact s made before: a neighbour
// re-ask, a retransmission, or an odd probe repeated.
func (e *Engine) contactAgain(s *source, c *slot, p *Probe, ref contactRef, odd bool, ns ptime, now tsecs) {
	if ref.fam == famNeighbour {
		e.transition(s, c, ref, evReasked, now)
		return
	}
	e.repeat(s, c, p)
	if odd {
		e.evaluate(s, ns)
	}
}

// newContact records first contact c of s: it waits for its answer (a
// neighbour ask for its use), counts towards the source's breadth, meets
// the allowlist, and is checked for lock-step co-senders.
func (e *Engine) newContact(s *source, c *slot, p *Probe, ref contactRef, ns ptime, now tsecs) {
	neighbour := ref.fam == famNeighbour
	if neighbour {
		openContact(c, 0, uint32(now)) // when it was asked; not yet judged (see evReasked)
	} else {
		openContact(c, p.SrcPort, contactSeq(p))
	}
	w := waiting{s: s, gen: s.gen, key: c.key, t: ns, ref: ref}
	if neighbour {
		w.ask = e.ask(ref.dst, ns, now)
	}
	e.firstContact(s, p, s.key, ref.dst, now)
	e.authorize(s, p)
	if neighbour {
		e.asks.push(w)
	} else {
		e.wait.push(w)
	}
	if p.Technique != TechConnect && !neighbour {
		// Decoys are forged packets; an operating system's connect()
		// cannot send them, so its SYNs need no lock-step check. Neighbour
		// asks carry no port or sequence number to be in step on.
		e.lockstep.observe(e, s, p, ns)
	}
	if s.contacts+s.nbrAsks == 2 {
		e.srcs.promote(s)
	}
}

// pickUpOrphan applies an outcome that arrived before its probe (see
// outcome), reporting whether there was one; settling it evaluates the
// source. Only looked for while one may be waiting: they are rare.
func (e *Engine) pickUpOrphan(s *source, p *Probe, src, dst addrKey, ns ptime, now tsecs) bool {
	if !e.orphans || (now >= e.orphanAt && now-e.orphanAt > orphanSecs) {
		return false
	}
	k := orphanKey(s.key, s.gen, dst, p.Proto, p.DstPort)
	if !e.marks.maybe(k) {
		return false
	}
	o := e.tab.find(k, now)
	if o == nil || age(o, now) > orphanSecs {
		return false
	}
	out := Outcome(o.n)
	o.key = 0
	e.outcome(&answer{prober: p.Src, pk: src, target: p.Dst, tk: dst, proto: p.Proto,
		proberPort: p.SrcPort, targetPort: p.DstPort, out: out, ns: ns, now: now})
	return true
}

// isProbe sorts out packets the decoder could not judge alone: segments of
// connections, answers to datagrams, answers in odd shapes.
func (e *Engine) isProbe(p *Probe, src, dst addrKey, ns ptime, now tsecs) bool {
	switch p.Technique {
	case TechACK, TechMaimon, TechTCPOdd:
		if stackSegment(p) {
			if p.Technique == TechMaimon {
				// A stack closing a connection the sensor saw only
				// mid-flow: the peer's ACK and FIN that answer it belong
				// to the connection too.
				e.tab.upsert(tcpFlowKey(src, p.SrcPort, dst, p.DstPort), now, 0)
			}
			return false
		}
		// A segment of a connection seen being accepted is no probe.
		if e.tab.find(tcpFlowKey(src, p.SrcPort, dst, p.DstPort), now) != nil {
			return false
		}
		// A server's challenge ACK goes from its service port to the
		// client's ephemeral one: looked for before that rule drops it.
		if e.challengeACK(p, src, dst, ns, now) {
			return false
		}
		if p.FP&FPNmapOS == 0 && midFlowFlags(p) && serverSide(p.SrcPort, p.DstPort) {
			return false
		}
	case TechUDP:
		// An answer to a datagram seen going the other way is a reply; only
		// the flow's first answer can tell an outcome.
		if f := e.tab.find(flowKey(dst, p.DstPort, src, p.SrcPort, ProtoUDP), now); f != nil {
			e.replies++
			if f.n == 0 {
				f.n = 1
				e.outcome(&answer{prober: p.Dst, pk: dst, target: p.Src, tk: src, proto: ProtoUDP,
					proberPort: p.DstPort, targetPort: p.SrcPort, out: Succeeded, ns: ns, now: now})
			}
			return false
		}
		if _, isNew := e.tab.upsert(flowKey(src, p.SrcPort, dst, p.DstPort, ProtoUDP), now, 0); !isNew {
			return false // a flow already judged by its first datagram
		}
		// A datagram from a server's port to a client's ephemeral one is
		// an answer whose request the sensor did not see (DNS, NTP, QUIC,
		// STUN servers).
		if serverSide(p.SrcPort, p.DstPort) {
			return false
		}
	}
	return true
}

// midFlowFlags reports whether p's flags are those of a segment of a
// connection. An odd flag set without ACK belongs to no connection: a
// probe. With ACK (FIN+PSH+ACK, URG+ACK, an empty PSH+ACK) it is a
// segment like any other of a connection, judged as ACKs are.
func midFlowFlags(p *Probe) bool {
	return p.Technique != TechTCPOdd || p.Flags&tcpACK != 0
}

// stackSegment reports whether p, a segment without SYN, has an operating
// system's shape for a segment of a connection: operating systems put
// timestamps on mid-flow segments; scanners' crafted ACK and FIN+ACK
// probes carry no options — but for nmap's OS detection, whose probes are
// marked.
func stackSegment(p *Probe) bool {
	return p.FP&(FPNoTCPOptions|FPNmapOS) == 0 && midFlowFlags(p)
}

// serverSide reports whether a segment or datagram from sport to dport goes
// from a server's port to a client's ephemeral one: a service port below
// 1024 to one above, or anything below the dynamic range (49152, where
// Windows and macOS, and Linux mostly, pick client ports) into it. Such a
// bare ACK or FIN+ACK belongs to a connection the sensor saw only mid-flow,
// and such a datagram answers a request it did not see.
func serverSide(sport, dport uint16) bool {
	return sport < 1024 && dport >= 1024 || sport < 49152 && dport >= 49152
}

// repeat handles a probe to a contact already made. An identical TCP SYN is
// the sender's own stack retransmitting (Linux while it waits, Windows also
// after each RST): counted, and weighed neither way — how a stack
// retransmits says nothing about intent.
func (e *Engine) repeat(s *source, c *slot, p *Probe) {
	if (p.Technique == TechSYN || p.Technique == TechConnect) && c.sport == p.SrcPort && c.seq == p.Seq {
		s.retried++
	}
}

// firstContact updates the source's breadth counters for a new contact,
// and notes what it adds to the source's description (see detail.go).
func (e *Engine) firstContact(s *source, p *Probe, src, dst addrKey, now tsecs) {
	ns := ptimeOf(p.Time)
	e.toolEvidence(s, p)

	if familyOf(p.Proto, p.DstPort) == famNeighbour {
		// Neighbour asks count towards neighbour discovery only: a host
		// asking for its gateway has not probed a host.
		s.nbrAsks++
		x := s.more()
		x.tech[p.Technique]++
		x.nbrOrder.step(dst.lo, ns)
		return
	}
	s.contacts++
	n := contactNote{dst: dst, at: ns, port: p.DstPort, proto: p.Proto, tech: p.Technique}
	// One record per (source, host) counts the ports (n) and IP protocols
	// (seq) probed there; its creation marks a new host.
	h, isNew := e.tab.upsert(hash5(kindHostPorts, src, s.gen, dst, 0), now, s.prio())
	if isNew {
		s.hosts++
		n.what |= noteNewHost
	}

	switch p.Technique {
	case TechIPProto:
		s.ipproto++
		h.seq++
		if h.seq > s.maxProtosOnHost {
			s.maxProtosOnHost = h.seq
			n.what |= noteMaxHost
		}
		s.note(n)
		return
	case TechICMP:
		e.countPing(s, p, src, now)
		s.note(n)
		return
	}

	h.n++
	if h.n > s.maxPortsOnHost {
		s.maxPortsOnHost = h.n
		n.what |= noteMaxHost
	}
	if h.n > 1 {
		n.what |= notePortStep
	} else {
		n.what |= notePortMark
	}

	ph, isNew := e.tab.upsert(hash5(kindPortHosts, src, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort)), now, s.prio())
	if isNew {
		s.ports++
		n.what |= noteNewPort
	}
	ph.n++
	if ph.n > s.maxHostsOnPort {
		s.maxHostsOnPort, s.maxPort, s.maxProto = ph.n, p.DstPort, p.Proto
	}
	s.note(n)
}

// countPing counts hosts sent echo, timestamp or address-mask requests.
func (e *Engine) countPing(s *source, p *Probe, src addrKey, now tsecs) {
	ph, _ := e.tab.upsert(hash5(kindPortHosts, src, s.gen, addrKey{}, uint64(p.Proto)<<16|uint64(p.DstPort)), now, s.prio())
	ph.n++
	if ph.n > s.pingHosts {
		s.pingHosts = ph.n
	}
}
