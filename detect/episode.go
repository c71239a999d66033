package detect

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
)

var noAddr netip.Addr

// episode is a source's alert lifecycle: one start, updates as its breadth
// grows tenfold, one end with the full summary.
type episode struct {
	open       bool
	v          verdict
	start      ptime // packet time of the first probe, ns
	seq        uint32
	nextUpdate uint32
	holdUntil  ptime
	// holdAsks: the hold waits to see whether neighbour asks repeat.
	holdAsks bool
	members  []netip.Addr // decoy co-senders, leader excluded
	// face is the source a decoy episode is reported under: of the
	// lock-step sources, the one the target's answers reach — decoys'
	// addresses are forged, so answers rarely do.
	face netip.Addr
	// shape is what the source's probes amount to now, when it differs
	// from the action the episode started with: an episode keeps its
	// action from start to end, and says so when its shape changes.
	shape Action
}

// episodeID is the id of s's current scan episode.
func (s *source) episodeID(e *Engine) string {
	return eventID(e.cfg.Sensor, s.address().String(), nsString(s.x.ep.start))
}

func (s *source) breadth() uint32 {
	return max(s.contacts+s.nbrFound, 1)
}

// grown is n times the update factor, saturating: an episode that reaches
// the top of the range raises no more updates rather than one per probe.
func grown(n uint32, factor int) uint32 {
	return uint32(min(uint64(n)*uint64(factor), math.MaxUint32))
}

func (e *Engine) startEpisode(s *source, v verdict, ns ptime) {
	s.more()
	s.x.ep.open = true
	s.x.ep.v = v
	s.x.ep.start = s.first
	s.x.ep.seq = 0
	s.x.ep.nextUpdate = grown(s.breadth(), e.cfg.UpdateFactor)
	s.x.ep.members = e.decoyMembers(s)
	s.x.ep.face = noAddr
	s.x.ep.shape = ""
	if len(s.x.ep.members) > 0 {
		s.x.ep.v = verdict{ActionDecoyPortscan, "lockstep"}
		s.x.ep.face = s.shownAddr()
		best := s.answered
		for _, m := range s.x.ep.members {
			if ms := e.lookup(m); ms != nil && ms.answered > best {
				s.x.ep.face, best = m, ms.answered
			}
		}
	}
	e.srcs.promote(s) // an alerted source must not be the first to go
	e.active[s.key] = s
	e.raise(s, PhaseStart, ns, "")
	e.auditEpisode(s, ns, false)
}

// progress raises an update when the episode's breadth has grown by the
// update factor, re-reading the shape (a portscan may become a blockscan).
func (e *Engine) progress(s *source, ns ptime) {
	if s.breadth() < s.x.ep.nextUpdate {
		return
	}
	s.x.ep.nextUpdate = grown(s.breadth(), e.cfg.UpdateFactor)
	e.reshape(s)
	e.raise(s, PhaseUpdate, ns, "")
}

// reshape re-reads the source's shape. The action stays the episode's;
// a changed shape is named in the alert.
func (e *Engine) reshape(s *source) {
	if s.x.ep.v.action == ActionDecoyPortscan {
		return
	}
	v := e.judge(s)
	switch {
	case v.action == "" || v.action == s.x.ep.v.action:
		s.x.ep.shape = ""
	case rank[v.action] > rank[s.x.ep.v.action] || s.x.ep.shape != "":
		s.x.ep.shape = v.action
	}
}

// rank orders shapes by how much they reveal: a shape may grow from a ping
// sweep into a port sweep, not back.
var rank = map[Action]int{
	ActionPingsweep: 1, ActionPortscan: 2, ActionPortsweep: 2, ActionIPProtoScan: 2,
	ActionOSScan: 2, ActionBlockscan: 3,
}

// endEpisode ends the source's open episodes — scan and honeyport — with
// their summaries and starts the source afresh.
func (e *Engine) endEpisode(s *source, ns ptime, why EndReason) {
	if s.x == nil || !s.x.ep.open && (s.x.hp == nil || !s.x.hp.open) {
		return
	}
	if s.x.ep.open {
		e.reshape(s)
		e.raise(s, PhaseEnd, ns, why)
		s.x.ep.open = false
		e.auditEpisode(s, ns, true)
	}
	if s.x.hp != nil && s.x.hp.open {
		e.raiseHoney(s, PhaseEnd, ns, why)
		s.x.hp.open = false
	}
	delete(e.active, s.key)
	for _, m := range s.x.ep.members {
		if ms := e.lookup(m); ms != nil && ms.x != nil && ms.x.leader == s.address() {
			ms.x.leader = noAddr
		}
	}
	// The next probe from this source starts a new episode from scratch.
	e.srcs.renew(s, s.last)
}

func (e *Engine) raise(s *source, phase Phase, ns ptime, why EndReason) {
	e.emit(e.buildAlert(s, phase, ns, why))
}

// newAlert fills what every alert shares. start and end are the episode's
// first and latest packet times, ns the time of the packet raising it.
func (e *Engine) newAlert(action Action, phase Phase, epID string, seq uint32, start, end, ns ptime) *Alert {
	return &Alert{
		Timestamp: ns.time(),
		Event: Event{
			Kind:     "alert",
			ID:       eventID(epID, string(phase), fmt.Sprint(seq)),
			Action:   action,
			Category: []string{"network", "intrusion_detection"},
			Type:     []string{"info"},
			Start:    start.time(),
			End:      end.time(),
			Severity: severity[action],
		},
		Rule:      Rule{Name: ruleNames[action]},
		Threat:    threatFor(action),
		Observer:  Observer{Type: "ids", Product: "portsnare", Hostname: e.cfg.Sensor},
		Portsnare: PortsnareData{Phase: phase, Episode: epID},
	}
}

// eventID is deterministic: the same episode and phase give the same id on
// every replay, so a resend is recognised downstream.
func eventID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func nsString(ns ptime) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(ns))
	return string(b[:])
}

var severity = map[Action]int{
	ActionPortscan: 3, ActionPortsweep: 3, ActionBlockscan: 3, ActionPingsweep: 2,
	ActionIPProtoScan: 3, ActionDecoyPortscan: 4, ActionDistributedPortscan: 4, ActionHoneyport: 5,
	ActionOSScan: 3,
}

var ruleNames = map[Action]string{
	ActionPortscan:            "Vertical port scan",
	ActionPortsweep:           "Horizontal port sweep",
	ActionBlockscan:           "Block scan",
	ActionPingsweep:           "Ping sweep",
	ActionIPProtoScan:         "IP protocol scan",
	ActionDecoyPortscan:       "Decoy port scan",
	ActionDistributedPortscan: "Distributed port scan",
	ActionHoneyport:           "Honeyport touch",
	ActionOSScan:              "OS fingerprinting",
}

func transport(t Technique) string {
	switch t {
	case TechUDP:
		return "udp"
	case TechICMP:
		return "icmp"
	case TechSCTPInit:
		return "sctp"
	case TechIPProto:
		return "ip"
	case TechARP:
		return "arp"
	case TechNDP:
		return "icmp"
	}
	return "tcp"
}

func (e *Engine) buildAlert(s *source, phase Phase, ns ptime, why EndReason) *Alert {
	v := s.x.ep.v
	tech := s.technique(v.action)
	epID := s.episodeID(e)
	src := s.shownAddr().String()
	if s.x.ep.face.IsValid() {
		src = s.x.ep.face.String()
	}
	s.x.ep.seq++
	a := e.newAlert(v.action, phase, epID, s.x.ep.seq, s.first, s.last, ns)
	a.Source = Endpoint{IP: src}
	a.Network = Network{Transport: transport(tech)}
	a.Portsnare.Scan = ScanData{
		Technique:  tech.String(),
		Order:      s.order(v.action),
		Tool:       s.tool(),
		Probes:     s.probes,
		Contacts:   s.contacts + s.nbrAsks,
		Ports:      s.ports,
		Hosts:      s.hosts,
		Failed:     s.failed,
		Succeeded:  s.succeeded,
		Unanswered: s.unanswered,
		Retried:    s.retried,
		Unseen:     s.unseen,
		Reason:     v.reason,
		Shape:      s.x.ep.shape,
		EndReason:  why,
	}
	if tech == TechARP || tech == TechNDP {
		a.Portsnare.Scan.Hosts = s.nbrAsks // the addresses asked for
	}
	if e.aggregated(s) && s.x.v6 != nil {
		bits := e.cfg.IPv6PrefixLen
		a.Portsnare.Scan.SourcePrefix = netip.PrefixFrom(s.address(), bits).String()
		addrs := make([]string, min(int(s.x.v6.n), e.cfg.Samples))
		for i := range addrs {
			addrs[i] = s.x.v6.addrs[i].String()
		}
		a.Portsnare.Scan.SourceAddresses = addrs
	}
	a.Portsnare.Suppressed, a.Portsnare.Allowlist = allowlistOf(s)
	n := min(int(s.x.nPorts), e.cfg.Samples)
	a.Portsnare.Scan.PortsSample = append([]uint16{}, s.x.portsSample[:n]...)
	n = min(int(s.x.nHosts), e.cfg.Samples)
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = addrOfKey(s.x.hostsSample[i]).String()
	}
	a.Portsnare.Scan.HostsSample = hosts
	related := []string{src}
	single := v.action == ActionPortscan || v.action == ActionIPProtoScan || v.action == ActionDecoyPortscan ||
		v.action == ActionOSScan || s.hosts == 1
	if single && s.x.maxHost.IsValid() {
		a.Destination = &Endpoint{IP: s.x.maxHost.String()}
	} else if single && s.hosts == 1 {
		a.Destination = &Endpoint{IP: addrOfKey(s.x.hostsSample[0]).String()}
	}
	a.Portsnare.Scan.HoneyportTouches = s.decoyContacts
	a.Portsnare.Scan.Found = e.found(s)
	if len(s.x.ep.members) > 0 {
		srcs := []string{src}
		for _, m := range append([]netip.Addr{s.shownAddr()}, s.x.ep.members...) {
			if m != s.x.ep.face {
				srcs = append(srcs, m.String())
			}
		}
		a.Portsnare.Scan.Sources = srcs
		related = srcs
	}
	if a.Destination != nil {
		related = append(related, a.Destination.IP)
	}
	a.Related.IP = related
	a.Message = message(a, s)
	if s.x.ep.shape != "" {
		a.Message += "; its probes now make a " + string(s.x.ep.shape)
	}
	return a
}

func threatFor(action Action) Threat {
	if action == ActionPingsweep {
		return Threat{Framework: "MITRE ATT&CK", Technique: ThreatTechnique{ID: []string{"T1018"}, Name: []string{"Remote System Discovery"}}}
	}
	return Threat{Framework: "MITRE ATT&CK", Technique: ThreatTechnique{ID: []string{"T1046"}, Name: []string{"Network Service Discovery"}}}
}

func message(a *Alert, s *source) string {
	sc := &a.Portsnare.Scan
	tech := upperTech(sc.Technique)
	dst := "several hosts"
	if a.Destination != nil {
		dst = a.Destination.IP
	}
	switch a.Event.Action {
	case ActionPortscan:
		return fmt.Sprintf("%s portscan: %s probed %d ports on %s", tech, a.Source.IP, s.maxPortsOnHost, dst)
	case ActionPortsweep:
		if s.maxFailHostsOnPort > 0 && s.maxFailPort != s.maxPort {
			// The port its failures swept, not a client's busiest.
			return fmt.Sprintf("%s portsweep: %s probed port %d on %d hosts or more", tech, a.Source.IP, s.maxFailPort, s.maxFailHostsOnPort)
		}
		return fmt.Sprintf("%s portsweep: %s probed port %d on %d hosts", tech, a.Source.IP, s.maxPort, s.maxHostsOnPort)
	case ActionBlockscan:
		return fmt.Sprintf("%s blockscan: %s probed %d ports on %d hosts", tech, a.Source.IP, sc.Ports, sc.Hosts)
	case ActionPingsweep:
		n := s.pingHosts
		if sc.Technique == "arp" || sc.Technique == "ndp" {
			n = s.nbrFound
		}
		return fmt.Sprintf("%s ping sweep: %s probed %d hosts", techTitles[sc.Technique], a.Source.IP, n)
	case ActionOSScan:
		return fmt.Sprintf("OS fingerprinting: %s sent %d OS-detection probes to %s", a.Source.IP, s.osProbes, dst)
	case ActionIPProtoScan:
		return fmt.Sprintf("IP protocol scan: %s probed %d protocols on %s", a.Source.IP, s.maxProtosOnHost, dst)
	case ActionDecoyPortscan:
		return fmt.Sprintf("%s decoy portscan: %d sources in lock-step probed %d ports on %s", tech, len(sc.Sources), sc.Ports, dst)
	}
	return fmt.Sprintf("%s %s: %s", tech, a.Event.Action, a.Source.IP)
}

// techTitles spells technique names as messages show them.
var techTitles = map[string]string{
	"syn": "SYN", "connect": "connect", "fin": "FIN", "null": "NULL", "xmas": "Xmas", "ack": "ACK",
	"maimon": "Maimon", "udp": "UDP", "icmp": "ICMP", "sctp-init": "SCTP INIT", "ipproto": "IP protocol", "arp": "ARP", "ndp": "NDP",
}

func upperTech(t string) string {
	if s, ok := techTitles[t]; ok {
		return s
	}
	return t
}

// emit is the one way out for every alert — scan, distributed and
// honeyport episodes alike: it is counted by action and phase, then handed
// to the sink.
func (e *Engine) emit(a *Alert) {
	e.alerts[string(a.Event.Action)+"/"+string(a.Portsnare.Phase)]++
	e.sink(a)
}

// found lists what s's scan found open, if anything.
func (e *Engine) found(s *source) *Found {
	n := s.succeeded - s.pingOK
	if n == 0 {
		return nil
	}
	x := s.more()
	f := &Found{Services: n, Sample: make([]string, 0, min(int(x.nFound), e.cfg.Samples))}
	for i := 0; i < int(x.nFound) && i < e.cfg.Samples; i++ {
		sp := x.found[i]
		f.Sample = append(f.Sample, netip.AddrPortFrom(addrOfKey(sp.dst), sp.port).String()+"/"+protoName(sp.proto))
	}
	return f
}

// protoName names an IP protocol as alerts spell it.
func protoName(p uint8) string {
	switch p {
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoSCTP:
		return "sctp"
	}
	return "ip" + fmt.Sprint(p)
}
