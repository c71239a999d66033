package detect

import (
	"net/netip"
	"time"
)

// EvidenceSink receives the first contacts a fleet correlator weighs: the
// ones that failed (refused, weighed silent, a decoy), the probes no stack
// sends, and the ones answered: without them a busy client, whose few
// failures each sensor sees beside many answered contacts, would weigh as
// a scanner in the merged view, which would see only its failures. Several sensors each see a slice of a scan; their evidence,
// merged by a correlator running this same engine, shows what none of them
// sees alone.
//
// The engine calls it synchronously on the packet path, from the one
// place a contact's state changes (transition), with a record it reuses:
// the sink copies what it keeps and must neither block nor allocate per
// call (it sheds, and counts, what it cannot take).
type EvidenceSink interface {
	Evidence(*Evidence)
}

// EvidenceKind is what a first contact's outcome says.
type EvidenceKind uint8

// Evidence kinds.
const (
	EvidenceRefused  EvidenceKind = iota + 1 // a RST, an ICMP unreachable
	EvidenceSilent                           // unanswered, and weighed as a failure
	EvidenceDecoy                            // it touched a decoy
	EvidenceOdd                              // a probe no stack sends, left unanswered
	EvidenceAccepted                         // answered: a SYN-ACK, a datagram's answer, an echo reply
)

var evidenceKindNames = [...]string{"", "refused", "silent", "decoy", "odd", "accepted"}

// String names the kind as evidence records carry it.
func (k EvidenceKind) String() string {
	if int(k) < len(evidenceKindNames) && k != 0 {
		return evidenceKindNames[k]
	}
	return "unknown"
}

// ParseEvidenceKind is String's inverse; it reports false for a name it
// does not know.
func ParseEvidenceKind(s string) (EvidenceKind, bool) {
	for i, n := range evidenceKindNames {
		if i > 0 && n == s {
			return EvidenceKind(i), true
		}
	}
	return 0, false
}

// ParseTechnique is Technique.String's inverse; it reports false for a
// name it does not know.
func ParseTechnique(s string) (Technique, bool) {
	for i, n := range techNames {
		if n == s {
			return Technique(i), true
		}
	}
	return TechUnknown, false
}

// Evidence is one weighed first contact of a source.
type Evidence struct {
	Time      time.Time  // packet time of the source's latest probe
	Source    netip.Addr // the tracked source: an IPv6 source's prefix when aggregated
	Target    netip.Addr
	Proto     uint8
	Port      uint16 // or ICMP type
	Technique Technique
	Kind      EvidenceKind
	// Tool is the scanner the source's probes point to so far, or "".
	Tool string
	// episode is the packet time the source's open scan episode started
	// at; 0: the source has not been alerted on.
	episode ptime
	sensor  string
}

// Alerted reports whether the source had an open alert episode on this
// sensor when the contact was weighed.
func (ev *Evidence) Alerted() bool { return ev.episode != 0 }

// Episode is the id of the source's open alert episode on this sensor
// (portsnare.episode of its alerts), or "". It allocates: call it off the
// packet path.
func (ev *Evidence) Episode() string {
	if ev.episode == 0 {
		return ""
	}
	return eventID(ev.sensor, ev.Source.String(), nsString(ev.episode))
}

// oddTechnique reports whether t is a TCP probe no operating system sends
// to open a connection: its silence is no failure, yet it is evidence.
func oddTechnique(t Technique) bool {
	switch t {
	case TechFIN, TechNULL, TechXmas, TechMaimon, TechTCPOdd, TechACK:
		return true
	}
	return false
}

// exportEvidence hands contact ref of s, which has just changed state
// under ev, to the evidence sink when the change is evidence a correlator
// weighs. Called from transition only, after the state has changed.
func (e *Engine) exportEvidence(s *source, c *slot, ref contactRef, ev contactEvent) {
	var k EvidenceKind
	switch ev {
	case evRefused:
		if ref.fam == famNeighbour {
			return
		}
		k = EvidenceRefused
	case evAnswered: // a change on an answer always ends in stSucceeded
		if ref.fam == famNeighbour {
			return
		}
		k = EvidenceAccepted
	case evDecoy:
		k = EvidenceDecoy
	case evSilence:
		switch {
		case contactState(c.n) == stUnansweredScored, ref.fam == famPing:
			k = EvidenceSilent
		case oddTechnique(ref.tech):
			k = EvidenceOdd
		default:
			return
		}
	default:
		return
	}
	r := &e.evidence
	*r = Evidence{Time: s.last.time(), Source: s.address(), Target: addrOfKey(ref.dst),
		Proto: ref.proto, Port: ref.port, Technique: ref.tech, Kind: k, Tool: s.tool(), sensor: e.cfg.Sensor}
	if s.x != nil && s.x.ep.open {
		r.episode = s.x.ep.start
	}
	e.cfg.Evidence.Evidence(r)
}

// FleetData is what a fleet alert adds: the sensors whose evidence made
// it, the targets they saw probed, and the sensors' own episodes of the
// source, when some alerted on it alone.
type FleetData struct {
	Sensors        []string `json:"sensors"`
	Targets        []string `json:"targets"`
	TargetsTotal   int      `json:"targets_total"` // Targets is a sample when fewer
	Records        uint64   `json:"records"`       // evidence records merged
	SensorEpisodes []string `json:"sensor_episodes,omitempty"`
}
