package allowlist

import (
	"maps"
	"sync"

	"github.com/portsnare/portsnare/detect"
)

// RuleEpisodes counts one rule's episodes.
type RuleEpisodes struct {
	// Suppressed episodes began within the rule's scope (their start
	// alert was suppressed).
	Suppressed uint64
	// Exceeded episodes left the rule's scope, at their start or later;
	// one that began suppressed is counted in both.
	Exceeded uint64
}

// EpisodeCounter counts episodes per allowlist rule from the alerts the
// engine raises, for metrics: the pipeline calls Observe for every alert.
// Each episode counts once per verdict although it raises several alerts.
// It remembers the open episodes that began suppressed, to count them once
// more should they exceed later, and forgets them at their end alert.
type EpisodeCounter struct {
	mu     sync.Mutex
	counts map[string]RuleEpisodes
	open   map[string]string // episode that began suppressed → its rule
}

// Observe counts a.
func (c *EpisodeCounter) Observe(a *detect.Alert) {
	al := a.Portsnare.Allowlist
	if al == nil || a.Portsnare.Audit != nil { // a window's account, not an episode
		return
	}
	ep := a.Portsnare.Episode
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]RuleEpisodes{}
		c.open = map[string]string{}
	}
	n := c.counts[al.Rule]
	switch {
	case a.Portsnare.Phase == detect.PhaseStart && !al.Exceeded:
		n.Suppressed++
		c.open[ep] = al.Rule
	case a.Portsnare.Phase == detect.PhaseStart:
		n.Exceeded++
	case al.Exceeded:
		if _, ok := c.open[ep]; ok {
			n.Exceeded++
			delete(c.open, ep)
		}
	}
	c.counts[al.Rule] = n
	if a.Portsnare.Phase == detect.PhaseEnd {
		delete(c.open, ep)
	}
}

// Counts returns the counts by rule name.
func (c *EpisodeCounter) Counts() map[string]RuleEpisodes {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
}
