package fleet

import (
	"net/netip"
	"slices"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Bounds of what the correlator keeps per source beyond the engine.
const (
	maxSensorsPerSource  = 64
	maxTargetsPerSource  = 64
	maxEpisodesPerSource = 16
)

// fleetSource is what the engine does not keep of a source: which sensors
// saw it, which targets, their own alert episodes of it, its tools,
// whether its fleet episode has been published or withheld, and the
// allowlist's verdict on it.
type fleetSource struct {
	sensors   []string
	targets   []netip.Addr
	ntargets  int
	records   uint64
	episodes  []string
	tools     map[string]int
	published string   // fleet episode id whose alerts go out
	withheld  string   // fleet episode id withheld: a sensor alerted on the source
	ports     []uint32 // proto<<16 | port probed, ascending, at most maxPatternPorts+1
	patTool   string   // the tool of its pattern when the campaign key was made
	campaign  string   // the key of the campaign pattern the source follows, or ""
	countedIn uint64   // the campaign (its gen) counting the source beyond the members it keeps, or 0

	// The allowlist's verdict (see allowlist.go): judged at the first
	// record, the rule covering the source then, and whether a record
	// left its scope since; and whether the campaign counting it counts
	// it as authorized.
	judged, exceeded bool
	rule             string
	countedAuth      bool
}

// sources is the bounded table of fleetSource, least recently used out
// first: a source pushed out loses only the names its alerts would list.
type sources struct {
	c *lru.Cache[netip.Addr, *fleetSource]
}

func newSources(n int) *sources {
	c, _ := lru.New[netip.Addr, *fleetSource](max(n, 16))
	return &sources{c: c}
}

// note records r, which sensor reported.
func (t *sources) note(sensor string, r *Record) *fleetSource {
	s, ok := t.c.Get(r.Src)
	if !ok {
		s = &fleetSource{tools: map[string]int{}}
		t.c.Add(r.Src, s)
	}
	s.records++
	if !slices.Contains(s.sensors, sensor) && len(s.sensors) < maxSensorsPerSource {
		s.sensors = append(s.sensors, sensor)
	}
	if !slices.Contains(s.targets, r.Dst) {
		s.ntargets++
		if len(s.targets) < maxTargetsPerSource {
			s.targets = append(s.targets, r.Dst)
		}
	}
	if r.Episode != "" && !slices.Contains(s.episodes, r.Episode) && len(s.episodes) < maxEpisodesPerSource {
		s.episodes = append(s.episodes, r.Episode)
	}
	if r.Tool != "" && len(s.tools) < 8 {
		s.tools[r.Tool]++
	}
	return s
}

// tool is the tool most of the source's records name, or "".
func (s *fleetSource) tool() string {
	best, n := "", 0
	for t, c := range s.tools {
		if c > n || (c == n && t < best) {
			best, n = t, c
		}
	}
	return best
}
