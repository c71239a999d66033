package allowlist

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones compiled in: a sensor in a bare container judges schedules like any other
)

// schedule is a compiled Schedule.
type schedule struct {
	loc         *time.Location
	from, until time.Time // zero: unbounded
	weekly      []minuteSpan
}

// minuteSpan is [lo, hi) in minutes since Sunday 00:00, local time.
type minuteSpan struct{ lo, hi int }

const minutesPerWeek = 7 * 24 * 60

// allows reports whether t is inside the schedule. Weekly windows are read
// on the zone's wall clock, so they follow DST as people do.
func (s *schedule) allows(t time.Time) bool {
	if !s.from.IsZero() && t.Before(s.from) {
		return false
	}
	if !s.until.IsZero() && !t.Before(s.until) {
		return false
	}
	if s.weekly == nil {
		return true
	}
	lt := t.In(s.loc)
	h, m, _ := lt.Clock()
	minute := int(lt.Weekday())*24*60 + h*60 + m
	for _, w := range s.weekly {
		if minute >= w.lo && minute < w.hi {
			return true
		}
	}
	return false
}

// compileSchedule checks and compiles s; nil means always. loc is the zone
// for times without an offset, also used for the rule's expiry.
func compileSchedule(s Schedule) (sched *schedule, loc *time.Location, errs []error) {
	loc = time.UTC
	if s.Timezone != "" {
		l, err := loadZone(s.Timezone)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule.timezone: %q is not an IANA time zone such as \"Europe/Berlin\"", s.Timezone))
		} else {
			loc = l
		}
	}
	if s.IsZero() {
		return nil, loc, nil
	}
	sched = &schedule{loc: loc}
	var err error
	if s.From != "" {
		if sched.from, err = parseTime(s.From, loc, false); err != nil {
			errs = append(errs, fmt.Errorf("schedule.from: %v", err))
		}
	}
	if s.Until != "" {
		if sched.until, err = parseTime(s.Until, loc, true); err != nil {
			errs = append(errs, fmt.Errorf("schedule.until: %v", err))
		}
	}
	if !sched.from.IsZero() && !sched.until.IsZero() && !sched.from.Before(sched.until) {
		errs = append(errs, fmt.Errorf("schedule: from %q is not before until %q", s.From, s.Until))
	}
	for i, w := range s.Weekly {
		spans, err := parseWindow(w)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule.weekly[%d]: %q: %v", i, w, err))
		}
		sched.weekly = append(sched.weekly, spans...)
	}
	if len(s.Weekly) > 0 && sched.weekly == nil {
		sched.weekly = []minuteSpan{} // windows all invalid: never, not always
	}
	slices.SortFunc(sched.weekly, func(a, b minuteSpan) int { return a.lo - b.lo })
	return sched, loc, errs
}

// zones caches loaded zones: loading one reads and parses its tzdata, and
// thousands of rules tend to name the same few.
var zones sync.Map // name → *time.Location

// loadZone loads an IANA zone. "Local" is refused: the same rule must
// judge alike on every machine and in every replay.
func loadZone(name string) (*time.Location, error) {
	if name == "Local" || name == "" {
		return nil, fmt.Errorf("not an IANA zone")
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err == nil {
		zones.Store(name, loc)
	}
	return loc, err
}

// Time layouts: with an offset, then wall-clock times in the rule's zone.
var (
	zonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04Z07:00", "2006-01-02T15:04Z07:00"}
	localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}
)

// parseTime reads an absolute time. A date alone is the start of that day,
// or with endOfDay its end (the start of the next), since "until
// 2026-11-30" means through that day.
func parseTime(s string, loc *time.Location, endOfDay bool) (time.Time, error) {
	t := strings.TrimSpace(s)
	for _, l := range zonedLayouts {
		if v, err := time.Parse(l, t); err == nil {
			return v, nil
		}
	}
	for _, l := range localLayouts {
		if v, err := time.ParseInLocation(l, t, loc); err == nil {
			return v, nil
		}
	}
	if v, err := time.ParseInLocation(time.DateOnly, t, loc); err == nil {
		if endOfDay {
			v = time.Date(v.Year(), v.Month(), v.Day()+1, 0, 0, 0, 0, loc)
		}
		return v, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: expected RFC 3339 (\"2026-11-01T02:00:00Z\"), a time in the schedule's zone (\"2026-11-01 02:00\") or a date (\"2026-11-01\")", s)
}
