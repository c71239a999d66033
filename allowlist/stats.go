package allowlist

import "time"

// Stats are a List's counters, for metrics.
type Stats struct {
	Rules          int       // rules in force
	Expired        int       // of them, rules whose expiry has passed (by the clock)
	Reloads        uint64    // successful reloads, the first load not counted
	ReloadFailures uint64    // reloads rejected; the rules in force stayed
	LastReload     time.Time // when the rules in force were loaded
	LastFailure    time.Time // when a reload was last rejected; zero if never
	LastError      string    // why, one line
}

// Stats returns the counters.
func (l *List) Stats() Stats {
	cur := l.cur.Load()
	s := Stats{
		Rules:          len(cur.rules),
		Reloads:        l.reloads.Load(),
		ReloadFailures: l.failures.Load(),
		LastReload:     cur.at,
	}
	s.Expired = len(cur.expired(l.now()))
	if f := l.failed.Load(); f != nil {
		s.LastFailure, s.LastError = f.at, f.err
	}
	return s
}
