package fleet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/portsnare/portsnare/detect"
)

// ActionCampaign is the action of a campaign alert: many sources, one
// tool, one target pattern.
const ActionCampaign detect.Action = "campaign"

// Bounds of the campaign tracker. A pattern is a port set of at most
// maxPatternPorts ports: a source probing more is a port scan, which the
// engine judges, not a member of a campaign.
const (
	maxPatternPorts    = 16
	maxCampaigns       = 4096 // patterns followed at once, least recently fed out first
	maxCampaignMembers = 1024 // sources a campaign keeps by address; beyond, only counted
	maxCampaignNamed   = 32   // sources named in the alert (portsnare.scan.sources)
	maxCampaignTargets = 4096 // distinct targets counted exactly
)

// pattern is what makes sources one campaign: the tool their probes point
// to and the exact set of ports (with protocol) they probed. Key is ""
// for a source that has no pattern (no tool named, or too many ports).
type pattern struct {
	Tool  string
	Ports []uint32 // proto<<16 | port, ascending
}

func (p pattern) key() string {
	if p.Tool == "" || len(p.Ports) == 0 || len(p.Ports) > maxPatternPorts {
		return ""
	}
	var b strings.Builder
	b.WriteString(p.Tool)
	for _, pp := range p.Ports {
		b.WriteByte('|')
		b.WriteString(strconv.FormatUint(uint64(pp), 16))
	}
	return b.String()
}

// campaign is one pattern's sources within the window.
type campaign struct {
	key       string
	gen       uint64 // this campaign among all the tracker has followed: a source counted in it knows it by this
	pat       pattern
	tech      string
	members   map[netip.Addr]member // the sources kept, by address
	counted   int                   // sources beyond maxCampaignMembers: counted, not kept
	sensors   []string
	targets   map[netip.Addr]struct{}
	sample    []netip.Addr // the first targets, for the alert
	records   uint64
	failed    uint64    // records of refused, silent and decoy contacts (not odd probes)
	succeeded uint64    // records of accepted contacts
	start     time.Time // packet time of the earliest member's join
	last      time.Time // packet time of the latest member record
	raised    bool
	id        string // episode id, once raised
	firstSrc  netip.Addr

	// The allowlist (see allowlist.go): the rules covering its sources,
	// at most maxCampaignRules, and of the sources counted beyond the
	// members, how many a rule covers and how many are authorized.
	rules                       []string
	countedCovered, countedAuth int
}

// campaigns follows the patterns of the correlator's sources and raises a
// campaign alert when at least min sources share one within window.
type campaigns struct {
	window time.Duration
	min    int
	c      *lru.Cache[string, *campaign]
	emit   func(*campaign, detect.Phase, time.Time, detect.EndReason)
	gens   uint64 // campaigns made so far
}

func newCampaigns(window time.Duration, minSources int, emit func(*campaign, detect.Phase, time.Time, detect.EndReason)) *campaigns {
	t := &campaigns{window: window, min: minSources, emit: emit}
	// A raised campaign pushed out for room ends with its summary.
	t.c, _ = lru.NewWithEvict(maxCampaigns, func(_ string, cp *campaign) {
		if cp.raised {
			emit(cp, detect.PhaseEnd, cp.last, detect.EndEvicted)
		}
	})
	return t
}

// note follows source s after its record r (sensor's): the source joins
// its pattern's campaign, or moves to another when its pattern changed.
func (t *campaigns) note(src netip.Addr, s *fleetSource, sensor string, r *Record) {
	pp := uint32(r.Proto)<<16 | uint32(r.Port)
	changed := false
	if i, found := slices.BinarySearch(s.ports, pp); !found && len(s.ports) <= maxPatternPorts {
		s.ports = slices.Insert(s.ports, i, pp)
		changed = true
	}
	if tool := s.tool(); tool != s.patTool {
		s.patTool, changed = tool, true
	}
	key := s.campaign
	if changed { // the key is built only when the pattern moved, not per record
		key = pattern{Tool: s.patTool, Ports: s.ports}.key()
	}
	if key != s.campaign && s.campaign != "" {
		// Before a campaign is raised, a source whose pattern changed
		// leaves it; once raised, it stays one of those who ran it.
		if old, ok := t.c.Peek(s.campaign); ok && !old.raised {
			delete(old.members, src)
		}
	}
	s.campaign = key
	if key == "" {
		return
	}
	at := r.Time()
	cp, ok := t.c.Get(key)
	if !ok {
		t.gens++
		cp = &campaign{key: key, gen: t.gens, pat: pattern{Tool: s.patTool, Ports: slices.Clone(s.ports)}, tech: r.Tech,
			members: map[netip.Addr]member{}, targets: map[netip.Addr]struct{}{}, start: at, firstSrc: src}
		t.c.Add(key, cp)
	}
	cp.records++
	switch r.Kind {
	case "odd": // unanswered, and no failure: evidence of its own
	case "accepted":
		cp.succeeded++
	default:
		cp.failed++
	}
	if at.After(cp.last) {
		cp.last = at
	}
	if !slices.Contains(cp.sensors, sensor) && len(cp.sensors) < maxSensorsPerSource {
		cp.sensors = append(cp.sensors, sensor)
	}
	if _, seen := cp.targets[r.Dst]; !seen && len(cp.targets) < maxCampaignTargets {
		cp.targets[r.Dst] = struct{}{}
		if len(cp.sample) < maxTargetsPerSource {
			cp.sample = append(cp.sample, r.Dst)
		}
	}
	cp.noteRule(s.rule)
	if _, kept := cp.members[src]; kept {
		cp.members[src] = memberOf(s, at)
		return
	}
	if len(cp.members) >= maxCampaignMembers {
		// Counted once, not per record: the source remembers the
		// campaign that counts it (while the correlator remembers the
		// source).
		if s.countedIn != cp.gen {
			s.countedIn, s.countedAuth = cp.gen, s.authorized()
			cp.counted++
			if s.rule != "" {
				cp.countedCovered++
			}
			if s.countedAuth {
				cp.countedAuth++
			}
		} else if s.countedAuth && !s.authorized() {
			// It left its rule's scope since (a verdict only ever
			// changes that way).
			s.countedAuth = false
			cp.countedAuth--
		}
		return
	}
	cp.members[src] = memberOf(s, at)
	if cp.raised {
		return
	}
	// Not yet raised: only sources active within the window count.
	for m, st := range cp.members {
		if at.Sub(st.last) > t.window {
			delete(cp.members, m)
		}
	}
	cp.start, cp.firstSrc = at, src
	for m, st := range cp.members {
		if st.last.Before(cp.start) || (st.last.Equal(cp.start) && m.Less(cp.firstSrc)) {
			cp.start, cp.firstSrc = st.last, m
		}
	}
	if len(cp.members) >= t.min {
		cp.raised = true
		cp.id = campaignID(cp.key, cp.start, cp.firstSrc)
		t.emit(cp, detect.PhaseStart, at, "")
	}
}

// tick ends the campaigns no member has fed for a window of packet time,
// and forgets the unraised ones gone stale.
func (t *campaigns) tick(now time.Time) {
	for _, key := range t.c.Keys() { // oldest first: a deterministic order
		cp, _ := t.c.Peek(key)
		if now.Sub(cp.last) <= t.window {
			continue
		}
		if cp.raised {
			t.emit(cp, detect.PhaseEnd, now, detect.EndIdle)
			cp.raised = false // removed below: no second end from the eviction hook
		}
		t.c.Remove(key)
	}
}

// flush ends every raised campaign, as on shutdown.
func (t *campaigns) flush(now time.Time) {
	for _, key := range t.c.Keys() {
		cp, _ := t.c.Peek(key)
		if cp.raised {
			t.emit(cp, detect.PhaseEnd, now, detect.EndFlush)
			cp.raised = false
		}
		t.c.Remove(key)
	}
}

// campaignID is a campaign's episode id: whichever instance raises it
// (each judges the sources of its own partitions) names it the same way
// for the same evidence.
func campaignID(parts ...any) string {
	h := sha256.New()
	fmt.Fprint(h, FleetSensor, "\x00campaign")
	for _, p := range parts {
		if t, ok := p.(time.Time); ok {
			p = t.UnixNano()
		}
		fmt.Fprintf(h, "\x00%v", p)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// portNames renders a pattern's ports as 23/tcp, 53/udp (a protocol
// number for the others).
func (p pattern) portNames() []string {
	out := make([]string, len(p.Ports))
	for i, pp := range p.Ports {
		proto, port := uint8(pp>>16), uint16(pp)
		name := strconv.Itoa(int(proto))
		switch proto {
		case detect.ProtoTCP:
			name = "tcp"
		case detect.ProtoUDP:
			name = "udp"
		case detect.ProtoSCTP:
			name = "sctp"
		}
		out[i] = strconv.Itoa(int(port)) + "/" + name
	}
	return out
}
