package allowlist

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// inScopeAt reports whether a probe at packet time when is in scope of the
// list's only rule, whose source is 10.0.0.1.
func inScopeAt(t *testing.T, l *List, when string) bool {
	t.Helper()
	got := authorize(l, probe("10.0.0.1", "192.0.2.1", detect.ProtoTCP, 80, at(when)))
	if got.rule == "" {
		t.Fatalf("%s: the rule no longer covers its source", when)
	}
	return got.inScope
}

func checkTimes(t *testing.T, l *List, want map[string]bool) {
	t.Helper()
	for when, in := range want {
		if got := inScopeAt(t, l, when); got != in {
			t.Errorf("%s: in scope %v, want %v", when, got, in)
		}
	}
}

func TestWeeklyWindowAcrossMidnight(t *testing.T) {
	// 2026-11-27 is a Friday, 2026-11-28 a Saturday, 2026-11-29 a Sunday.
	l := mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {weekly: ["Fri 22:00-02:00", "Sat 23:00-01:00"]}}]`)
	checkTimes(t, l, map[string]bool{
		"2026-11-27T21:59:59Z": false,
		"2026-11-27T22:00:00Z": true,
		"2026-11-28T00:00:00Z": true,
		"2026-11-28T01:59:59Z": true,
		"2026-11-28T02:00:00Z": false,
		"2026-11-28T22:59:59Z": false,
		"2026-11-28T23:30:00Z": true, // Saturday's window runs past the end of the week
		"2026-11-29T00:30:00Z": true,
		"2026-11-29T01:00:00Z": false,
		"2026-11-20T23:00:00Z": true, // a week earlier: weekly
	})
}

func TestWeeklyDaySets(t *testing.T) {
	l := mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {weekly: ["Fri-Mon 09:00-10:00", "wednesday", "Tue,Thu 00:00-24:00"]}}]`)
	checkTimes(t, l, map[string]bool{
		"2026-11-27T09:30:00Z": true,  // Friday
		"2026-11-29T09:30:00Z": true,  // Sunday
		"2026-11-30T09:30:00Z": true,  // Monday
		"2026-11-30T10:00:00Z": false, // Monday, after
		"2026-12-02T00:00:00Z": true,  // Wednesday, all day
		"2026-12-02T23:59:59Z": true,
		"2026-12-01T12:00:00Z": true, // Tuesday
		"2026-12-03T23:59:00Z": true, // Thursday
		"2026-11-27T12:00:00Z": false,
	})
}

// TestWeeklyWindowFollowsDST: windows are the zone's wall clock, so on the
// day clocks go forward "02:00-04:00" lasts one hour, and on the day they go
// back "02:00-03:00" lasts two.
func TestWeeklyWindowFollowsDST(t *testing.T) {
	l := mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {timezone: Europe/Berlin, weekly: ["Sun 02:00-04:00"]}}]`)
	checkTimes(t, l, map[string]bool{
		// An ordinary Sunday in winter (CET, UTC+1): 01:00-03:00 UTC.
		"2026-03-22T00:59:59Z": false,
		"2026-03-22T01:00:00Z": true,
		"2026-03-22T02:59:59Z": true,
		"2026-03-22T03:00:00Z": false,
		// 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
		"2026-03-29T00:59:59Z": false, // 01:59:59 CET
		"2026-03-29T01:00:00Z": true,  // 03:00 CEST
		"2026-03-29T01:59:59Z": true,  // 03:59:59 CEST
		"2026-03-29T02:00:00Z": false, // 04:00 CEST
		// A summer Sunday (CEST, UTC+2): 00:00-02:00 UTC.
		"2026-07-05T00:00:00Z": true,
		"2026-07-05T02:00:00Z": false,
	})
	l = mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {timezone: Europe/Berlin, weekly: ["Sun 02:00-03:00"]}}]`)
	checkTimes(t, l, map[string]bool{
		// 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
		"2026-10-24T23:59:59Z": false, // 01:59:59 CEST
		"2026-10-25T00:00:00Z": true,  // 02:00 CEST
		"2026-10-25T00:59:59Z": true,
		"2026-10-25T01:00:00Z": true, // 02:00 CET, the second time
		"2026-10-25T01:59:59Z": true,
		"2026-10-25T02:00:00Z": false, // 03:00 CET
	})
	l = mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {timezone: America/New_York, weekly: ["Tue 22:00-02:00"]}}]`)
	checkTimes(t, l, map[string]bool{
		"2026-12-02T02:59:59Z": false, // Tuesday 21:59:59 EST
		"2026-12-02T03:00:00Z": true,  // Tuesday 22:00 EST, Wednesday in UTC
		"2026-12-02T06:59:59Z": true,
		"2026-12-02T07:00:00Z": false,
	})
}

func TestAbsoluteFromUntil(t *testing.T) {
	l := mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {from: 2026-11-01T02:00:00+01:00, until: 2026-11-30}}]`)
	checkTimes(t, l, map[string]bool{
		"2026-11-01T00:59:59Z": false,
		"2026-11-01T01:00:00Z": true, // from is inclusive
		"2026-11-30T23:59:59Z": true, // a date as until includes that day
		"2026-12-01T00:00:00Z": false,
	})
	// Times without an offset are in the schedule's zone, and a date as
	// until ends at that zone's midnight.
	l = mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {timezone: Europe/Berlin, from: "2026-11-01 02:00", until: 2026-11-30, weekly: [daily 00:00-12:00]}}]`)
	checkTimes(t, l, map[string]bool{
		"2026-11-01T00:59:59Z": false,
		"2026-11-01T01:00:00Z": true,
		"2026-11-15T12:00:00Z": false, // 13:00 local: outside the weekly window
		"2026-11-30T10:59:59Z": true,
		"2026-11-30T22:59:59Z": false,
		"2026-12-01T00:00:00Z": false,
	})
	l = mustList(t, `rules: [{name: r, sources: [10.0.0.1], schedule: {until: "2026-11-01T02:00:00"}}]`)
	checkTimes(t, l, map[string]bool{
		"2026-11-01T01:59:59Z": true,
		"2026-11-01T02:00:00Z": false, // until a time is exclusive
	})
}

// TestExpiry: an expired rule still covers its sources, with nothing in
// scope, so their scans are normal alerts naming it; loading it logs that
// it has expired.
func TestExpiry(t *testing.T) {
	var log bytes.Buffer
	rules, err := Parse([]byte(`rules: [{name: old, sources: [10.0.0.1], expires: 2026-11-29}, {name: fresh, sources: [10.0.0.2], expires: 2027-01-01T00:00:00Z}]`))
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-12-15T00:00:00Z")
	l, err := New(Config{Rules: rules}, Options{Logger: slog.New(slog.NewTextHandler(&log, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	checkTimes(t, l, map[string]bool{
		"2026-11-29T23:59:59Z": true, // a date: through that day
		"2026-11-30T00:00:00Z": false,
	})
	if got := authorize(l, probe("10.0.0.2", "192.0.2.1", detect.ProtoTCP, 80, at("2027-01-01T00:00:00Z"))); got != (verdict{"fresh", false}) {
		t.Errorf("at expiry: %+v", got)
	}
	if !strings.Contains(log.String(), "allowlist rule has expired") || !strings.Contains(log.String(), "rule=old") || strings.Contains(log.String(), "rule=fresh") {
		t.Errorf("log:\n%s", log.String())
	}
	if s := l.Stats(); s.Rules != 2 || s.Expired != 1 {
		t.Errorf("stats %+v", s)
	}
}
