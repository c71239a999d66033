package detect

// Building the alert documents of scan episodes: the fields every alert
// shares, what a scan's alert says, its message and what it found.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
)

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
