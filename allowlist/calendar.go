package allowlist

import (
	"slices"
	"time"
)

// A scheduled rule's coverage is reported window by window, so the audit
// must know where each window begins and ends, not only whether an instant
// is inside one. This file turns a schedule into windows: maximal spans of
// time in which it allows probes.

// calendar is a rule's schedule as windows.
type calendar struct {
	loc         *time.Location
	from, until time.Time    // the schedule's bounds and the rule's expiry; zero: unbounded
	cycle       []minuteSpan // weekly windows merged, each at most a week long; hi may pass the week's end
	always      bool         // no weekly windows, or ones covering the whole week
}

// calendarOf returns r's windows, and false when r has none that close: no
// schedule, or one that is always open from some time on. Such rules are
// reported per scan instead.
func calendarOf(r *rule) (*calendar, bool) {
	if r.sched == nil {
		return nil, false
	}
	c := &calendar{loc: r.sched.loc, from: r.sched.from, until: r.sched.until}
	if !r.expires.IsZero() && (c.until.IsZero() || r.expires.Before(c.until)) {
		c.until = r.expires
	}
	if r.sched.weekly == nil {
		c.always = true
	} else {
		c.cycle = mergeCycle(r.sched.weekly)
		c.always = len(c.cycle) == 1 && c.cycle[0].hi-c.cycle[0].lo >= minutesPerWeek
	}
	if c.always && c.until.IsZero() {
		return nil, false
	}
	return c, true
}

// mergeCycle joins weekly spans that overlap or touch, also across the end
// of the week: "Sat 22:00-24:00" and "Sun 00:00-02:00" are one window.
func mergeCycle(spans []minuteSpan) []minuteSpan {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b minuteSpan) int { return a.lo - b.lo })
	var out []minuteSpan
	for _, w := range s {
		if n := len(out); n > 0 && w.lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, w.hi)
			continue
		}
		out = append(out, w)
	}
	if n := len(out); n > 1 && out[0].lo == 0 && out[n-1].hi >= minutesPerWeek {
		out[n-1].hi = minutesPerWeek + out[0].hi
		out = out[1:]
	}
	if len(out) == 1 && out[0].hi-out[0].lo >= minutesPerWeek {
		out[0] = minuteSpan{0, minutesPerWeek}
	}
	return out
}

// windowAfter returns the first window that ends after t — the one holding
// t, or the next to open — and false when none will. A window unbounded
// before (a schedule with an until and no from) starts at the zero time.
func (c *calendar) windowAfter(t time.Time) (start, end time.Time, ok bool) {
	if !c.until.IsZero() && !t.Before(c.until) {
		return time.Time{}, time.Time{}, false
	}
	if c.always {
		return c.from, c.until, true
	}
	base := t
	if !c.from.IsZero() && base.Before(c.from) {
		base = c.from
	}
	lt := base.In(c.loc)
	y, m, d := lt.Date()
	sunday := d - int(lt.Weekday())
	// A window holding base began this week or, running past the week's
	// end, the week before; the next one opens this week or the next.
	for week := -1; week <= 1; week++ {
		for _, w := range c.cycle {
			s := time.Date(y, m, sunday+7*week, 0, w.lo, 0, 0, c.loc)
			e := time.Date(y, m, sunday+7*week, 0, w.hi, 0, 0, c.loc)
			if !c.from.IsZero() && s.Before(c.from) {
				s = c.from
			}
			if !c.until.IsZero() && c.until.Before(e) {
				e = c.until
			}
			if e.After(base) && s.Before(e) {
				return s, e, true
			}
		}
	}
	return time.Time{}, time.Time{}, false
}

// sameCalendar reports whether a and b are the same windows.
func sameCalendar(a, b *calendar) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.loc.String() == b.loc.String() && a.from.Equal(b.from) && a.until.Equal(b.until) &&
		a.always == b.always && slices.Equal(a.cycle, b.cycle)
}
