package allowlist

import (
	"maps"
	"sync"

	"github.com/portsnare/portsnare/detect"
)

// WindowKey labels closed windows: the rule and what its report said
// (ran, missed, unobserved).
type WindowKey struct {
	Rule   string
	Result detect.AuditResult
}

// WindowCounter counts closed windows per rule and result from the
// coverage reports the engine raises, for metrics: the pipeline calls
// Observe for every alert. A report of a window still open (at shutdown)
// is not a closed window and is not counted.
type WindowCounter struct {
	mu     sync.Mutex
	counts map[WindowKey]uint64
}

// Observe counts a, when it is a closed window's report.
func (c *WindowCounter) Observe(a *detect.Alert) {
	d := a.Portsnare.Audit
	if a.Event.Action != detect.ActionAuthorizedScanReport || d == nil || d.Open {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[WindowKey]uint64{}
	}
	c.counts[WindowKey{d.Rule, d.Result}]++
}

// Counts returns the counts.
func (c *WindowCounter) Counts() map[WindowKey]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
}
