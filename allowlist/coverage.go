package allowlist

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// Coverage verifies the authorized scans: it is the List as one engine's
// detect.Policy, and also a detect.Auditor that accounts, per rule, for
// what the rule's sources probed and reports it window by window.
//
// A rule with a schedule (weekly windows, or an until) is reported when
// each window closes, in packet time: the scan ran, with its coverage, or
// it was missed. A rule without one is reported when its scanner's scan
// ends (the last of its sources' open episodes), from its first probe. At
// Flush (end of a replay, shutdown) a window still open is reported as it
// stands, marked open and partial, and never as missed: the scan may yet
// come. A window that opened before the sensor's first packet is partial
// too, and without probes "unobserved" rather than missed.
//
// On a reload, rules that keep their name keep their account (targets that
// changed restart the coverage count); a new rule is watched from the
// reload on, so its first window is partial; a removed rule's account is
// reported as it stands.
//
// Unlike the List, a Coverage is not safe for concurrent use: the engine
// calls Authorize and Audit from its one goroutine.
type Coverage struct {
	list    *List
	t       *table   // the table the tallies follow
	tallies []*tally // by rule index of t
	byName  map[string]*tally
	gone    []*tally  // removed by a reload, to be reported
	now     time.Time // packet time of the latest probe or audit
}

// NewCoverage returns l as a policy whose scans are verified.
func NewCoverage(l *List) *Coverage {
	return &Coverage{list: l, byName: map[string]*tally{}}
}

var (
	_ detect.Policy  = (*Coverage)(nil)
	_ detect.Auditor = (*Coverage)(nil)
)

// Authorize implements detect.Policy as List.Authorize does, and charges p
// to its rule's account. Allocation-free except on the first call after a
// reload.
func (c *Coverage) Authorize(p *detect.Probe) (string, bool) {
	t := c.sync()
	if t == nil {
		return "", false
	}
	i, in := t.charge(p)
	if i < 0 {
		return "", false
	}
	if p.Time.After(c.now) {
		c.now = p.Time
	}
	c.tallies[i].record(&t.rules[i], p, in)
	return t.rules[i].name, in
}

// AuditEpisode implements detect.Auditor.
func (c *Coverage) AuditEpisode(rule string, _ netip.Addr, at time.Time, ended bool) {
	c.sync()
	tl := c.byName[rule]
	if tl == nil {
		return // removed by a reload and already reported
	}
	if !ended {
		tl.episodes++
		tl.open++
		return
	}
	tl.open = max(tl.open-1, 0)
	if tl.cal == nil && tl.open == 0 && tl.firstAny != 0 {
		tl.due, tl.dueAt = true, at
	}
}

// Audit implements detect.Auditor: the rules' accounts due at now, in rule
// order, removed rules last.
func (c *Coverage) Audit(since, now time.Time, final bool, out []detect.Audit) []detect.Audit {
	t := c.sync()
	if now.After(c.now) {
		c.now = now
	}
	for _, tl := range c.gone {
		if tl.firstAny != 0 || tl.haveWin {
			out = append(out, c.flushOne(tl, since, now))
		}
	}
	c.gone = nil
	if t == nil {
		return out
	}
	for _, tl := range c.tallies {
		if tl.watchFrom.IsZero() {
			tl.watchFrom = since
		}
		if tl.cal != nil {
			out = c.windows(tl, now, final, out)
			continue
		}
		switch {
		case tl.due:
			out = append(out, tl.report(time.Unix(0, tl.firstAny).UTC(), tl.dueAt, false, false))
		case final && tl.firstAny != 0:
			out = append(out, tl.report(time.Unix(0, tl.firstAny).UTC(), now, false, true))
		}
	}
	return out
}

// maxWindowsPerAudit bounds the windows one audit closes for a rule: a
// replay across a gap of years would otherwise report every weekly window
// in it at once. The rest follow at the next ticks.
const maxWindowsPerAudit = 64

// windows reports tl's windows that have closed by now, and at final the
// one still open.
func (c *Coverage) windows(tl *tally, now time.Time, final bool, out []detect.Audit) []detect.Audit {
	for range maxWindowsPerAudit {
		if !tl.haveWin {
			s, e, ok := tl.cal.windowAfter(tl.watchFrom)
			if !ok || now.Before(s) {
				return out
			}
			tl.haveWin, tl.start, tl.end = true, s, e
		}
		if now.Before(tl.end) {
			if final {
				out = append(out, tl.report(c.shownStart(tl), tl.end, true, true))
			}
			return out
		}
		out = append(out, tl.report(c.shownStart(tl), tl.end, tl.watchFrom.After(tl.start), false))
		tl.haveWin, tl.watchFrom = false, tl.end
	}
	return out
}

// shownStart is the window's start, or for one unbounded before, when the
// sensor began to watch it.
func (c *Coverage) shownStart(tl *tally) time.Time {
	if tl.start.IsZero() {
		return tl.watchFrom
	}
	return tl.start
}

// flushOne reports tl as it stands: its rule was removed.
func (c *Coverage) flushOne(tl *tally, since, now time.Time) detect.Audit {
	start := time.Unix(0, tl.firstAny).UTC()
	if tl.haveWin {
		start = c.shownStart(tl)
	} else if tl.firstAny == 0 {
		start = since
	}
	return tl.report(start, now, true, true)
}

// sync follows the List's reloads: the tallies are rebuilt for a new
// table, keeping the accounts of rules that stay.
func (c *Coverage) sync() *table {
	if c == nil || c.list == nil {
		return nil
	}
	cur := c.list.cur.Load()
	if cur == nil {
		return nil
	}
	if cur.table == c.t {
		return c.t
	}
	first := c.t == nil
	byName := make(map[string]*tally, len(cur.rules))
	tallies := make([]*tally, len(cur.rules))
	for i := range cur.rules {
		r := &cur.rules[i]
		tl := c.byName[r.name]
		if tl == nil {
			tl = newTally(r)
			if !first {
				tl.watchFrom = c.now // watched from the reload on
			}
		} else {
			delete(c.byName, r.name)
			if cal, _ := calendarOf(r); !sameCalendar(cal, tl.cal) {
				// A changed schedule takes effect with its next window:
				// the one being watched is reported as it stands.
				c.gone = append(c.gone, tl)
				tl = newTally(r)
				tl.watchFrom = c.now
			} else if tl.setTargets(r) {
				tl.watchFrom = c.now // the coverage count restarts
			}
		}
		byName[r.name] = tl
		tallies[i] = tl
	}
	for _, tl := range c.byName {
		c.gone = append(c.gone, tl)
	}
	sortTallies(c.gone)
	c.t, c.tallies, c.byName = cur.table, tallies, byName
	return c.t
}

// sortTallies orders removed rules' accounts by name: they are reported in
// a fixed order.
func sortTallies(ts []*tally) {
	slices.SortFunc(ts, func(a, b *tally) int { return cmp.Compare(a.name, b.name) })
}
