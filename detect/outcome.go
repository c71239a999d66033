package detect

import "net/netip"

// answer is a reply's outcome in the probe's orientation, with the keys and
// times the tables need already worked out.
type answer struct {
	prober, target         netip.Addr
	pk, tk                 addrKey
	proto                  uint8
	proberPort, targetPort uint16
	out                    Outcome
	// sure: the reply can only answer a probe (Reply.AnswersProbe), so
	// a probe the sensor did not see may be inferred from it.
	sure bool
	ns   ptime
	now  tsecs
}

// Reply feeds one reply. Replies never make their sender a scanner: they
// tell the outcome of the prober's contact, and where the sensor did not see
// the probe (a tap on an asymmetric path) a reply that can only answer a
// probe stands for it.
func (e *Engine) Reply(r *Reply) {
	if !r.Prober.IsValid() || !r.Target.IsValid() || r.Prober.IsUnspecified() || IsGroup(r.Prober) {
		return
	}
	ns := ptimeOf(r.Time)
	now := e.secs(ns)
	e.replies++
	e.expire(ns)
	prober, target := keyOf(r.Prober), keyOf(r.Target)
	e.sentTo(prober, ns) // the reply is traffic to the prober
	if e.asking(ns) {
		e.markUsed(prober, now) // ... after an ask for it
	}
	if r.Outcome == Expired {
		e.expired(prober, target, r, ns, now)
		return
	}
	if r.Proto == ProtoTCP && r.Outcome == Succeeded {
		// The ACKs and FIN+ACKs that follow belong to this connection.
		e.tab.upsert(tcpFlowKey(prober, r.ProberPort, target, r.TargetPort), now, 0)
	}
	e.outcome(&answer{prober: r.Prober, pk: prober, target: r.Target, tk: target, proto: r.Proto,
		proberPort: r.ProberPort, targetPort: r.TargetPort, out: r.Outcome, sure: r.AnswersProbe, ns: ns, now: now})
}

// outcome records what became of the first contact prober→target:port.
func (e *Engine) outcome(a *answer) {
	f := familyOf(a.proto, a.targetPort)
	pk := e.trackKey(a.pk, f)
	s := e.srcs.peekKey(pk)
	var c *slot
	if s != nil {
		c = e.tab.find(contactKey(pk, s.gen, a.tk, a.proto, a.targetPort), a.now)
	}
	if c == nil && s == nil && f != famNeighbour && e.loneAnswer(a, pk) {
		return
	}
	if c == nil {
		switch {
		case !a.sure || f == famNeighbour:
			if s != nil && s.probes > 0 {
				// The probe may still be on its way: packets read from
				// several capture sockets can reach the engine out of
				// order. Keep the outcome briefly for the contact to pick
				// up; an answer that may not answer a probe stands for
				// none.
				k := orphanKey(pk, s.gen, a.tk, a.proto, a.targetPort)
				o, _ := e.tab.upsert(k, a.now, 0)
				o.n = uint32(a.out)
				e.orphanAt, e.orphans = a.now, true
				e.marks.mark(k, a.now)
			}
			return
		case a.proto == ProtoUDP && e.tab.find(flowKey(a.tk, a.targetPort, a.pk, a.proberPort, ProtoUDP), a.now) != nil:
			// The refused datagram answered one the target had sent: a
			// late answer to a socket since closed, not a probe.
			return
		}
		// A sure answer whose probe was not seen: it may yet come (see
		// deferQueue), or the sensor sees only the target's side —
		// successes too, so that a client's accepted connections weigh
		// against its refusals on an asymmetric tap as they do elsewhere.
		if s == nil {
			s = e.unseenSource(a, pk)
		}
		e.deferInference(s, a, pk)
		return
	}
	e.matched++
	e.settle(s, c, f, a)
}

// settle records answer a as the outcome of contact c of s, in family f.
func (e *Engine) settle(s *source, c *slot, f family, a *answer) {
	ref := contactRef{dst: a.tk, port: a.targetPort, proto: a.proto, fam: f}
	ev := eventOf(a.out)
	if e.pathRefusal(a, c.seq) {
		ev = evPathAnswer // says nothing of the prober's intent (see path.go)
	}
	if !e.transition(s, c, ref, ev, a.now) {
		return
	}
	if f == famPort && ev == evRefused {
		e.tgts.failed(e, s.shownAddr(), s, a)
	}
	e.evaluate(s, a.ns)
}

// unseenSource returns the source for a prober known so far only from the
// answers to it, tracking it if new.
func (e *Engine) unseenSource(a *answer, pk addrKey) *source {
	s, created := e.srcs.get(pk, a.ns)
	if created {
		e.adoptLone(s, a.ns)
	} else if a.ns.sub(s.last) > e.cfg.IdleTimeout {
		e.endEpisode(s, s.last, EndIdle)
		e.srcs.renew(s, a.ns)
	}
	return s
}

// inferredContact makes the first contact a sure answer stands for: the
// capture shows the target's side only. The quoted headers of ICMP errors,
// and the ports of a RST, name the probe exactly. It returns nil when the
// contact exists after all.
func (e *Engine) inferredContact(s *source, a *answer) *slot {
	if s.contacts == 0 && s.nbrAsks == 0 {
		s.first = a.ns
	}
	s.last = max(s.last, a.ns)
	c, isNew := e.tab.upsert(contactKey(s.key, s.gen, a.tk, a.proto, a.targetPort), a.now, s.prio())
	if !isNew {
		return nil
	}
	s.unseen++
	if e.aggregated(s) {
		s.noteAddr(a.prober)
	}
	p := Probe{Time: a.ns.time(), Src: a.prober, Dst: a.target, Proto: a.proto,
		Technique: unseenTechnique(a.proto), SrcPort: a.proberPort, DstPort: a.targetPort}
	openContact(c, a.proberPort, 0)
	e.firstContact(s, &p, s.key, a.tk, a.now)
	e.authorize(s, &p)
	if s.contacts == 2 {
		e.srcs.promote(s)
	}
	return c
}

// unseenTechnique names a probe known only from its answer.
func unseenTechnique(proto uint8) Technique {
	switch proto {
	case ProtoTCP:
		return TechTCPUnseen
	case ProtoUDP:
		return TechUDP
	case ProtoSCTP:
		return TechSCTPInit
	case ProtoICMP, ProtoICMPv6:
		return TechICMP
	}
	return TechIPProto
}
