package detect

// verdict is what a source's state amounts to.
type verdict struct {
	action Action
	reason string
}

// concentration is how many ports of one host, or hosts on one port, make
// a shape. A scanner maps ports of a host or hosts on a port; a peer-to-peer
// client contacts each peer on that peer's own random port, which maps
// nothing, so its failures (stale peers) are no scan however many.
const concentration = 3

// judge reads the source's evidence, strongest first:
//
//  1. probes no operating system sends (IP-protocol scans, nmap's OS
//     detection, NULL/FIN/Xmas and odd flag sets): a handful is enough;
//  2. outcomes, where the capture shows answers to this source: refused
//     and unanswered first contacts against successful ones (Threshold
//     Random Walk), for a source whose contacts have a scan's shape;
//  3. breadth, only where no answer to this source is visible (a one-way
//     capture, or a path whose answers the sensor cannot see);
//  4. pings and neighbour discovery: many hosts asked, mostly dead, or
//     many addresses asked on the link and never used.
//
// How the sender's stack retransmits is never evidence: many refused ports
// on one host are a port scan whatever the stack.
func (e *Engine) judge(s *source) verdict {
	c := &e.cfg
	switch {
	case s.maxProtosOnHost >= uint32(c.IPProtocols):
		return verdict{ActionIPProtoScan, "ip-protocols"}
	case s.osProbes >= uint32(c.OSProbes):
		return verdict{ActionOSScan, "os-fingerprint"}
	case s.x != nil && s.x.oddBurst.n >= uint32(c.OddProbes):
		return verdict{s.shape(), "odd-probes"}
	}
	if s.answersUnseen() {
		// With a few answers seen, many hosts on one port may be a peer
		// list on the application's default port, its peers silent behind
		// NATs (silence to UDP is weak evidence): only a host's ports, or a
		// block, are breadth enough there. With none seen, any shape is.
		switch {
		case s.maxPortsOnHost >= uint32(c.VerticalPorts):
			return verdict{ActionPortscan, "vertical-breadth"}
		case s.answered == 0 && s.maxHostsOnPort >= uint32(c.HorizontalHosts):
			return verdict{ActionPortsweep, "horizontal-breadth"}
		case s.isBlock(uint32(c.BlockContacts)):
			return verdict{ActionBlockscan, "block-breadth"}
		}
	}
	if s.seesOutcomes() && s.score >= int32(c.FailedContacts) && s.shaped() && s.mostlyFailing() {
		return verdict{s.shape(), "failed-contacts"}
	}
	// Ping sweeps rank below port scans: nmap's host discovery pings before
	// it sweeps ports, and the sweep is the larger finding.
	if s.pingHosts >= uint32(c.PingHosts) {
		if s.answered == 0 {
			return verdict{ActionPingsweep, "ping-breadth"}
		}
		// Where answers show, a sweep is one that finds many hosts dead;
		// a monitoring system pings hosts that answer.
		judged := s.pingOK + s.pingDead
		if 2*s.pingDead >= uint32(c.PingHosts) && 3*s.pingDead >= judged {
			return verdict{ActionPingsweep, "ping-failures"}
		}
	}
	if s.x != nil && (s.x.nbrBurst.n >= uint32(c.PingHosts) || s.x.nbrPaced.n >= uint32(c.PingHosts)) && !s.refreshes() {
		return verdict{ActionPingsweep, "neighbour-discovery"}
	}
	return verdict{}
}

// seesOutcomes reports whether the sensor learns how this source's contacts
// end: answers to them are visible, or it touched a decoy, whose outcome the
// sensor knows without one.
func (s *source) seesOutcomes() bool {
	return s.answered > 0 || s.decoyContacts > 0
}

// mostlyFailing reports whether failures are a fair share (a quarter or
// more) of the source's judged port contacts. The random walk's floor lets
// a client's old successes be forgotten, so that a host turning scanner is
// caught at once; this keeps a busy client — or many hosts behind one NAT
// address or one IPv6 prefix — that has a run of failures among hundreds of
// successes (a blocked CDN, a service down, stale keep-alives refused) from
// looking like one. A scanner's failures are most of what it does.
func (s *source) mostlyFailing() bool {
	failing := s.portFailures
	return 4*failing >= failing+s.succeeded-s.pingOK
}

// answersUnseen reports whether the sensor sees too few answers to this
// source's contacts for outcomes to decide: none at all (a one-way capture),
// or fewer than a quarter of the contacts whose reply timeout has passed —
// answers it cannot see, such as the silence of firewalled UDP ports and of
// ACKs a stateful filter drops, which weigh nothing. Breadth alone then
// decides. A client whose contacts are answered is judged by outcomes only,
// and contacts still awaiting their answer count for neither.
func (s *source) answersUnseen() bool {
	return s.answered == 0 || 4*s.answered < s.answered+s.unanswered
}

// sweepsWithoutRepeat reports whether neighbour discovery cut short — at
// the end of a capture, before the burst window showed whether the asks
// repeat — is still a sweep: its asks walk a range in address order (nmap
// -sn, arp-scan, netdiscover), or more addresses than a home router's list
// of devices. A router's refresh round asks its list in no order.
func (e *Engine) sweepsWithoutRepeat(s *source) bool {
	return s.more().nbrOrder.order() == "sequential" || s.nbrFound >= 4*uint32(e.cfg.PingHosts)
}

// shaped reports whether the source's failures map something: several
// ports of one host or several hosts on one port (or IP protocols), and
// together most of the failures — a scan's failures lie in the block it
// maps (one host's ports, one port's hosts, or both), while a peer-to-peer
// client's stale peers are spread over as many ports as peers, the few on a
// client's default port among them — or most of them lie in one network
// block, on whatever hosts and ports (see blockOf).
func (s *source) shaped() bool {
	if s.maxProtosOnHost >= concentration || s.ipproto > s.contacts/2 || s.is(blockShaped) {
		return true
	}
	ports, hosts := uint64(s.maxFailPortsOnHost), uint64(s.maxFailHostsOnPort)
	return (ports >= concentration || hosts >= concentration) && 2*ports*hosts >= uint64(s.portFailures)
}

// isBlock: many (host, port) pairs, on average at least two ports per host.
func (s *source) isBlock(min uint32) bool {
	return s.contacts >= min && s.hosts >= 2 && s.ports >= 2 && s.contacts >= 2*s.hosts
}

// shape names the scan a source's contacts make: by the contacts that
// failed, where any did (a client's successes are not its scan), else by
// all of them.
func (s *source) shape() Action {
	ports, hosts := s.maxPortsOnHost, s.maxHostsOnPort
	if s.maxFailPortsOnHost > 0 || s.maxFailHostsOnPort > 0 {
		ports, hosts = s.maxFailPortsOnHost, s.maxFailHostsOnPort
	}
	switch {
	case s.ipproto > s.contacts/2:
		return ActionIPProtoScan
	case s.hosts >= 2 && s.ports >= 2 && s.contacts >= 2*s.hosts && s.maxPortsOnHost < s.contacts &&
		ports >= concentration && hosts >= concentration:
		return ActionBlockscan
	case s.is(blockShaped) && 2*uint64(ports)*uint64(hosts) < uint64(s.portFailures):
		// Random ports of random hosts in one network block: no host and
		// no port holds most failures (see shaped), the block does.
		return ActionBlockscan
	case hosts > ports:
		return ActionPortsweep
	case ports == 0 && s.pingHosts > 0:
		return ActionPingsweep
	}
	return ActionPortscan
}

// technique is the source's most used probe technique for the given shape:
// a port scan is named by its port probes even when pings came with it.
func (s *source) technique(action Action) Technique {
	switch action {
	case ActionPingsweep:
		switch {
		case s.nbrFound > 0 && s.nbrFound >= s.pingHosts:
			if s.techCount(TechNDP) > s.techCount(TechARP) {
				return TechNDP
			}
			return TechARP
		}
		return TechICMP
	case ActionIPProtoScan:
		return TechIPProto
	}
	best := TechUnknown
	tech := &s.more().tech
	for t := range tech {
		switch Technique(t) {
		case TechICMP, TechIPProto, TechARP, TechNDP:
			continue
		}
		if tech[t] > tech[best] {
			best = Technique(t)
		}
	}
	if best == TechUnknown {
		for t := range tech {
			if tech[t] > tech[best] {
				best = Technique(t)
			}
		}
	}
	return best
}

// order tells sequential scans (ascending ports or hosts: nmap -r, naive
// loops) from randomized ones (nmap's default, masscan, zmap).
func (s *source) order(action Action) string {
	switch tech := s.technique(action); {
	case action == ActionPingsweep && (tech == TechARP || tech == TechNDP):
		return s.more().nbrOrder.order()
	case action == ActionPortsweep || action == ActionPingsweep:
		return s.more().hostOrder.order()
	}
	return s.more().portOrder.order()
}

// evaluate runs after anything that changes a source's counters.
func (e *Engine) evaluate(s *source, ns ptime) {
	if s.open() {
		e.progress(s, ns)
		return
	}
	if s.x != nil && s.x.leader.IsValid() {
		if l := e.lookup(s.x.leader); l != nil && l.open() {
			return // folded into the decoy episode its leader reports
		}
		s.x.leader = noAddr
	}
	v := e.judge(s)
	if v.action == "" {
		if s.x != nil && s.x.ep.holdUntil != 0 {
			s.x.ep.holdUntil = 0
			delete(e.held, s.key)
		}
		return
	}
	if e.mustHold(s, v, ns) {
		return
	}
	e.startEpisode(s, v, ns)
}

// mustHold delays a verdict the next moments could overturn: a source with
// lock-step co-senders that may yet prove a decoy scan (one alert names
// them all), or whose co-senders' packets may still be on their way (see
// Config.Reordered), and neighbour discovery, which a gateway's cache refresh looks
// like until it asks the same addresses again, within the burst window.
func (e *Engine) mustHold(s *source, v verdict, ns ptime) bool {
	if s.x != nil && s.x.ep.holdUntil != 0 {
		if ns < s.x.ep.holdUntil {
			return true
		}
		s.x.ep.holdUntil = 0
		delete(e.held, s.key)
		return false
	}
	var until ptime
	partnered := false
	if s.x != nil {
		for i := range s.x.partners {
			n := s.x.partners[i].n
			partnered = partnered || n > 0
			if n > 0 && n < uint32(e.cfg.DecoyMinProbes) {
				until = ns.add(e.cfg.ReplyTimeout)
			}
		}
	}
	if e.cfg.Reordered && !partnered && v.reason != "neighbour-discovery" && s.technique(v.action) != TechConnect {
		// Decoy copies of its probes may still be in another capture
		// socket's batch (see Config.Reordered); connect() forges none.
		until = ns.add(e.cfg.DecoyWindow)
	}
	if v.reason == "neighbour-discovery" {
		x := s.more()
		first := x.nbrPaced.start
		if x.nbrBurst.n > 0 {
			first = min(first, x.nbrBurst.start)
		}
		until = max(until, first.add(e.cfg.BurstWindow))
	}
	if until <= ns {
		return false
	}
	s.more().ep.holdUntil = until
	s.x.ep.holdAsks = v.reason == "neighbour-discovery"
	e.held[s.key] = s
	return true
}
