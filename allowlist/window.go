package allowlist

import (
	"fmt"
	"strconv"
	"strings"
)

// parseWindow reads a weekly window, "DAYS HH:MM-HH:MM" or "DAYS" for whole
// days, into spans of the week. An end not after its start runs into the
// next day, so "Fri 22:00-02:00" ends on Saturday; a window running past
// Saturday midnight wraps to Sunday.
func parseWindow(w string) ([]minuteSpan, error) {
	fields := strings.Fields(w)
	if len(fields) == 0 || len(fields) > 2 {
		return nil, fmt.Errorf("expected DAYS HH:MM-HH:MM, such as \"Tue 02:00-05:00\" or \"Mon-Fri 22:00-06:00\"")
	}
	days, err := parseDays(fields[0])
	if err != nil {
		return nil, err
	}
	start, end := 0, 24*60
	if len(fields) == 2 {
		if start, end, err = parseHours(fields[1]); err != nil {
			return nil, err
		}
	}
	var spans []minuteSpan
	for d := range 7 {
		if days&(1<<d) == 0 {
			continue
		}
		lo, hi := d*24*60+start, d*24*60+end
		if end <= start {
			hi += 24 * 60
		}
		if hi > minutesPerWeek {
			spans = append(spans, minuteSpan{0, hi - minutesPerWeek})
			hi = minutesPerWeek
		}
		spans = append(spans, minuteSpan{lo, hi})
	}
	return spans, nil
}

var dayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// parseDays reads "Tue", "Mon-Fri", "Sat,Sun", "Fri-Mon" (wrapping) or
// "daily" into a bit set with Sunday as bit 0, time.Weekday's numbering.
func parseDays(s string) (uint8, error) {
	if d := strings.ToLower(s); d == "daily" || d == "*" {
		return 0x7f, nil
	}
	var set uint8
	for part := range strings.SplitSeq(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, err := parseDay(from)
		if err != nil {
			return 0, err
		}
		b := a
		if isRange {
			if b, err = parseDay(to); err != nil {
				return 0, err
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			set |= 1 << d
			if d == b {
				break
			}
		}
	}
	return set, nil
}

// parseDay accepts a day's name or its first three letters or more, in any case.
func parseDay(s string) (int, error) {
	l := strings.ToLower(s)
	for i, name := range dayNames {
		if len(l) >= 3 && strings.HasPrefix(name, l) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day: expected Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range such as Mon-Fri, a list such as Sat,Sun, or daily", s)
}

// parseHours reads "HH:MM-HH:MM" into minutes of the day; the end may be 24:00.
func parseHours(s string) (start, end int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a time range: expected HH:MM-HH:MM such as 02:00-05:00", s)
	}
	if start, err = parseClock(a, false); err != nil {
		return 0, 0, err
	}
	if end, err = parseClock(b, true); err != nil {
		return 0, 0, err
	}
	if start == end {
		return 0, 0, fmt.Errorf("the window %s is empty (for whole days write 00:00-24:00, or the days alone)", s)
	}
	return start, end, nil
}

// parseClock reads HH:MM; 24:00 only as an end.
func parseClock(s string, isEnd bool) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	switch {
	case !ok || err1 != nil || err2 != nil || len(hh) == 0 || len(hh) > 2 || len(mm) != 2 || hh[0] == '+' || mm[0] == '+':
		return 0, fmt.Errorf("%q is not a time of day: expected HH:MM such as 02:00", s)
	case h == 24 && m == 0 && isEnd:
		return 24 * 60, nil
	case h < 0 || h > 23 || m < 0 || m > 59:
		return 0, fmt.Errorf("%q is not a time of day (00:00 to 23:59, or 24:00 as an end)", s)
	}
	return h*60 + m, nil
}
