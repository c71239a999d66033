package detect

import (
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
			// A member with an episode of its own already (judged before
			// its co-senders were seen) keeps it, and is not the face of
			// this one: one address, one episode.
			if ms := e.lookup(m); ms != nil && !ms.open() && ms.answered > best {
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

// emit is the one way out for every alert — scan, distributed and
// honeyport episodes alike: it is counted by action and phase, then handed
// to the sink.
func (e *Engine) emit(a *Alert) {
	e.alerts[string(a.Event.Action)+"/"+string(a.Portsnare.Phase)]++
	e.sink(a)
}
