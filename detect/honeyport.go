package detect

import (
	"fmt"

	"github.com/portsnare/portsnare/internal/communityid"
)

// honeyEpisode is a source's decoy-touch episode: one start alert at the
// first touch, updates as touches grow tenfold, an end with every port it
// touched. It is allocated on the first touch only: most sources never touch
// a decoy.
type honeyEpisode struct {
	open       bool
	start      ptime
	seq        uint32
	touches    uint32
	nextUpdate uint32
	handshake  bool
	passive    bool
	nPorts     uint8
	ports      [maxSamples]uint16
	first      Touch // the first touch, reported in every alert of the episode
}

// Touch feeds a decoy touch. It counts as a first contact that failed, with
// extra weight — no legitimate client reaches a port that serves nothing —
// and raises a honeyport alert at once, deduplicated per source: a scan
// over ten decoys is one honeyport episode.
func (e *Engine) Touch(t *Touch) {
	if !t.Src.IsValid() || !t.Dst.IsValid() || t.Src.IsUnspecified() || IsGroup(t.Dst) {
		return
	}
	p := Probe{Time: t.Time, Src: t.Src, Dst: t.Dst, Proto: t.Proto, Technique: TechHoneyport,
		SrcPort: t.SrcPort, DstPort: t.DstPort}
	e.Probe(&p)
	e.touched(t)
}

// touched records touch t, whose probe the engine has been fed (by Touch,
// or by capture for a dark or decoy port).
func (e *Engine) touched(t *Touch) {
	ns := ptimeOf(t.Time)
	now := e.secs(ns)
	s := e.lookup(t.Src)
	if s == nil {
		return
	}
	same := false // the same connection touched before: capture saw its SYN, then the decoy accepted it
	if c := e.tab.find(contactKey(s.key, s.gen, keyOf(t.Dst), t.Proto, t.DstPort), now); c != nil {
		same = contactState(c.n) == stDecoy && c.sport == t.SrcPort && s.x != nil && s.x.hp != nil && s.x.hp.open
		ref := contactRef{dst: keyOf(t.Dst), port: t.DstPort, proto: t.Proto, fam: famPort, tech: TechHoneyport}
		e.transition(s, c, ref, evDecoy, now)
	}
	x := s.more()
	if x.hp == nil {
		x.hp = &honeyEpisode{}
	}
	hp := x.hp
	if !hp.open {
		*hp = honeyEpisode{open: true, start: ns, first: *t, nextUpdate: uint32(e.cfg.UpdateFactor)}
		e.active[s.key] = s
	}
	hp.handshake = hp.handshake || t.Handshake
	if same {
		// One connection is one touch; what the decoy recorded of it
		// (banner, bytes) is worth more than the SYN capture saw.
		if hp.first.Passive && !t.Passive && hp.first.DstPort == t.DstPort && hp.first.SrcPort == t.SrcPort {
			hp.first = *t
		}
		e.evaluate(s, ns)
		return
	}
	hp.touches++
	hp.passive = hp.passive || t.Passive
	hp.addPort(t.DstPort)
	switch {
	case hp.touches == 1:
		e.raiseHoney(s, PhaseStart, ns, "")
	case hp.touches >= hp.nextUpdate:
		hp.nextUpdate = grown(hp.touches, e.cfg.UpdateFactor)
		e.raiseHoney(s, PhaseUpdate, ns, "")
	}
	e.evaluate(s, ns)
}

func (hp *honeyEpisode) addPort(p uint16) {
	for i := 0; i < int(hp.nPorts); i++ {
		if hp.ports[i] == p {
			return
		}
	}
	if int(hp.nPorts) < maxSamples {
		hp.ports[hp.nPorts] = p
		hp.nPorts++
	}
}

func (e *Engine) raiseHoney(s *source, phase Phase, ns ptime, why EndReason) {
	hp := s.x.hp
	src := s.shownAddr().String()
	epID := eventID(e.cfg.Sensor, "honeyport", s.address().String(), nsString(hp.start))
	hp.seq++
	proto := "udp"
	if hp.first.Proto == ProtoTCP {
		proto = "tcp"
	}
	dst := hp.first.Dst.String()
	how := "touched"
	switch {
	case hp.first.Handshake:
		how = "connected to"
	case hp.first.Passive && hp.first.Proto == ProtoTCP && e.dark.isDecoy(hp.first.DstPort):
		how = "sent a SYN to decoy"
	case hp.first.Passive:
		how = "probed dark port"
	}
	a := e.newAlert(ActionHoneyport, phase, epID, hp.seq, hp.start, max(s.last, hp.start), ns)
	a.Message = fmt.Sprintf("honeyport: %s %s %s/%d on %s (%d touches)", src, how, proto,
		hp.first.DstPort, dst, hp.touches)
	a.Source = Endpoint{IP: src}
	a.Destination = &Endpoint{IP: dst}
	a.Related = Related{IP: []string{src, dst}}
	a.Network = Network{Transport: proto, CommunityID: communityid.ID(communityid.Flow{
		From: hp.first.Src, To: hp.first.Dst, Proto: hp.first.Proto,
		FromPort: hp.first.SrcPort, ToPort: hp.first.DstPort})}
	a.Portsnare.Scan = ScanData{
		Technique: s.technique("").String(), Order: "unknown", Tool: s.tool(),
		Probes: s.probes, Contacts: s.contacts, Ports: s.ports, Hosts: s.hosts,
		Failed: s.failed, Succeeded: s.succeeded, Unanswered: s.unanswered, Retried: s.retried,
		Reason: "decoy-touch", EndReason: why, HoneyportTouches: s.decoyContacts,
		PortsSample: []uint16{}, HostsSample: []string{},
	}
	a.Portsnare.Honeyport = &HoneyportData{
		Port: hp.first.DstPort, Protocol: proto, Handshake: hp.handshake,
		Spoofable: !hp.handshake, Banner: hp.first.Banner, Bytes: hp.first.Bytes,
		FirstBytes: hp.first.First, Touches: hp.touches,
		PortsSample: append([]uint16{}, hp.ports[:hp.nPorts]...),
	}
	if s.open() {
		a.Portsnare.ScanEpisode = s.episodeID(e)
	}
	a.Portsnare.Suppressed, a.Portsnare.Allowlist = allowlistOf(s)
	if a.Portsnare.Allowlist != nil {
		a.Portsnare.Allowlist.Flagged = true
	}
	e.emit(a)
}
