package detect

// verdict is what a source's state amounts to.
type verdict struct {
	action string
	reason string
}

// judge reads the source's counters. Order matters: the most specific and
// most serious shape wins. Breadth rules stand on their own in one-way captures; where the
// source gets answers they need most first contacts to have gone unanswered
// or refused, so a client whose contacts succeed — a browser fanning out, an
// updater — is not a scanner however wide it reaches.
func (e *Engine) judge(s *source) verdict {
	c := &e.cfg
	if s.maxProtosOnHost >= uint32(c.IPProtocols) {
		return verdict{ActionIPProtoScan, "ip-protocols"}
	}
	if s.breadthCounts() {
		switch {
		case s.maxPortsOnHost >= uint32(c.VerticalPorts):
			return verdict{ActionPortscan, "vertical-breadth"}
		case s.maxHostsOnPort >= uint32(c.HorizontalHosts):
			return verdict{ActionPortsweep, "horizontal-breadth"}
		case s.isBlock(uint32(c.BlockContacts)):
			return verdict{ActionBlockscan, "block-breadth"}
		}
	}
	// Ping sweeps rank below port scans: nmap's host discovery pings before
	// it sweeps ports, and the sweep is the larger finding.
	if s.maxPingHosts >= uint32(c.PingHosts) {
		return verdict{ActionPingsweep, "ping-breadth"}
	}
	if s.score >= int32(c.FailedContacts) {
		return verdict{s.shape(), "failed-contacts"}
	}
	return verdict{}
}

// breadthCounts reports whether breadth alone may flag this source.
func (s *source) breadthCounts() bool {
	if s.succeeded*2 >= s.contacts {
		return false // mostly live services: a client
	}
	if s.answered > 0 && s.retried*2 >= s.contacts {
		// The sender's own TCP stack keeps re-sending to peers that refuse or
		// stay silent: an application with a stale peer list (P2P bootstrap),
		// not a scanner, which moves on once a port has answered.
		return false
	}
	return true
}

// isBlock: many (host, port) pairs, on average at least two ports per host.
func (s *source) isBlock(min uint32) bool {
	return s.contacts >= min && s.hosts >= 2 && s.ports >= 2 && s.contacts >= 2*s.hosts
}

// shape names the scan a source flagged by its outcomes is making.
func (s *source) shape() string {
	switch {
	case s.tech[TechIPProto] > s.contacts/2:
		return ActionIPProtoScan
	case s.tech[TechICMP]+s.tech[TechARP] > s.contacts/2:
		return ActionPingsweep
	case s.hosts >= 2 && s.ports >= 2 && s.contacts >= 2*s.hosts && s.maxPortsOnHost < s.contacts:
		return ActionBlockscan
	case s.maxHostsOnPort > s.maxPortsOnHost:
		return ActionPortsweep
	}
	return ActionPortscan
}

// technique is the source's most used probe technique for the given shape:
// a port scan is named by its port probes even when pings came with it.
func (s *source) technique(action string) Technique {
	switch action {
	case ActionPingsweep:
		if s.tech[TechARP] > s.tech[TechICMP] {
			return TechARP
		}
		return TechICMP
	case ActionIPProtoScan:
		return TechIPProto
	}
	best := TechUnknown
	for t := range s.tech {
		if t == int(TechICMP) || t == int(TechIPProto) || t == int(TechARP) {
			continue
		}
		if s.tech[t] > s.tech[best] {
			best = Technique(t)
		}
	}
	if best == TechUnknown {
		for t := range s.tech {
			if s.tech[t] > s.tech[best] {
				best = Technique(t)
			}
		}
	}
	return best
}

// order tells sequential scans (ascending ports or hosts: nmap -r, naive
// loops) from randomized ones (nmap's default, masscan, zmap).
func (s *source) order(action string) string {
	switch {
	case action == ActionPingsweep && s.technique(action) == TechARP:
		return s.arpOrder.order()
	case action == ActionPortsweep || action == ActionPingsweep:
		return s.hostOrder.order()
	}
	return s.portOrder.order()
}

// evaluate runs after anything that changes a source's counters.
func (e *Engine) evaluate(s *source, ns int64) {
	if s.ep.open {
		e.progress(s, ns)
		return
	}
	if s.leader.IsValid() {
		if l := e.srcs.peek(s.leader); l != nil && l.ep.open {
			return // folded into the decoy episode its leader reports
		}
		s.leader = noAddr
	}
	v := e.judge(s)
	if v.action == "" {
		if s.ep.holdUntil != 0 {
			s.ep.holdUntil = 0
			delete(e.held, s.addr)
		}
		return
	}
	if e.mustHold(s, ns) {
		return
	}
	e.startEpisode(s, v, ns)
}

// mustHold delays a verdict that the next few seconds could overturn: a
// source whose probes come from an operating system's connect() (the stack
// may yet retry what failed, which marks an application, not a scanner), or
// one with lock-step co-senders that may prove a decoy scan.
func (e *Engine) mustHold(s *source, ns int64) bool {
	if s.ep.holdUntil != 0 {
		if ns < s.ep.holdUntil {
			return true
		}
		s.ep.holdUntil = 0
		delete(e.held, s.addr)
		return false
	}
	hold := s.answered > 0 && s.technique("") == TechConnect
	for i := range s.partners {
		if n := s.partners[i].n; n > 0 && n < uint32(e.cfg.DecoyMinProbes) {
			hold = true
		}
	}
	if !hold {
		return false
	}
	s.ep.holdUntil = ns + int64(e.cfg.ReplyTimeout)
	e.held[s.addr] = s
	return true
}
