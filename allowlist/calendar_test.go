package allowlist

import (
	"testing"
	"time"
)

// TestCalendarWindows: windows are found in the schedule's zone, across
// the end of the week and clamped to the schedule's bounds.
func TestCalendarWindows(t *testing.T) {
	cal := func(yaml string) *calendar {
		t.Helper()
		l := mustList(t, "rules:\n  - {name: r, sources: [10.0.0.1], "+yaml+"}\n")
		c, ok := calendarOf(&l.cur.Load().rules[0])
		if !ok {
			t.Fatalf("%s: no windows", yaml)
		}
		return c
	}
	for _, c := range []struct {
		yaml, t, start, end string
	}{
		// 2026-11-03 is a Tuesday; Berlin is UTC+1 then.
		{`schedule: {timezone: Europe/Berlin, weekly: ["Tue 02:00-05:00"]}`, "2026-11-02T12:00:00Z", "2026-11-03T01:00:00Z", "2026-11-03T04:00:00Z"},
		{`schedule: {timezone: Europe/Berlin, weekly: ["Tue 02:00-05:00"]}`, "2026-11-03T03:59:59Z", "2026-11-03T01:00:00Z", "2026-11-03T04:00:00Z"},
		{`schedule: {timezone: Europe/Berlin, weekly: ["Tue 02:00-05:00"]}`, "2026-11-03T04:00:00Z", "2026-11-10T01:00:00Z", "2026-11-10T04:00:00Z"},
		// Saturday night into Sunday is one window, whichever day asks.
		{`schedule: {weekly: ["Sat 22:00-24:00", "Sun 00:00-02:00"]}`, "2026-11-08T01:00:00Z", "2026-11-07T22:00:00Z", "2026-11-08T02:00:00Z"},
		{`schedule: {weekly: ["Sat 22:00-02:00"]}`, "2026-11-07T23:00:00Z", "2026-11-07T22:00:00Z", "2026-11-08T02:00:00Z"},
		// Bounds cut windows; a schedule of bounds alone is one window.
		{`schedule: {weekly: ["daily 02:00-04:00"], from: "2026-11-03 03:00"}`, "2026-11-01T00:00:00Z", "2026-11-03T03:00:00Z", "2026-11-03T04:00:00Z"},
		{`schedule: {from: "2026-11-03 03:00", until: "2026-11-03 03:30"}`, "2026-11-01T00:00:00Z", "2026-11-03T03:00:00Z", "2026-11-03T03:30:00Z"},
		{`schedule: {weekly: ["daily 02:00-04:00"]}, expires: "2026-11-03 03:00"`, "2026-11-03T00:00:00Z", "2026-11-03T02:00:00Z", "2026-11-03T03:00:00Z"},
	} {
		s, e, ok := cal(c.yaml).windowAfter(at(c.t))
		if !ok || !s.Equal(at(c.start)) || !e.Equal(at(c.end)) {
			t.Errorf("%s after %s: [%s, %s) %v, want [%s, %s)", c.yaml, c.t, s.UTC().Format(time.RFC3339), e.UTC().Format(time.RFC3339), ok, c.start, c.end)
		}
	}
	if _, _, ok := cal(`schedule: {until: "2026-11-03"}`).windowAfter(at("2026-11-04T00:00:00Z")); ok {
		t.Error("a window after the schedule's end")
	}
	l := mustList(t, "rules:\n  - {name: r, sources: [10.0.0.1], schedule: {weekly: [daily]}}\n  - {name: s, sources: [10.0.0.2]}\n")
	for i := range 2 {
		if _, ok := calendarOf(&l.cur.Load().rules[i]); ok {
			t.Errorf("rule %d: windows for a rule that is always in force", i)
		}
	}
}
