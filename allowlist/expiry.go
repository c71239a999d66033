package allowlist

import "time"

// Expiry is when a rule expires.
type Expiry struct {
	Rule string
	At   time.Time
}

// expired lists the rules whose expiry is not after now, in order.
func (t *table) expired(now time.Time) []Expiry {
	var out []Expiry
	for _, r := range t.rules {
		if !r.expires.IsZero() && !now.Before(r.expires) {
			out = append(out, Expiry{r.name, r.expires})
		}
	}
	return out
}

// Expired lists the rules of c whose expiry is not after now, in order;
// nothing when c is invalid (Validate says why). check-config warns of them.
func (c Config) Expired(now time.Time) []Expiry {
	t, err := c.compile()
	if err != nil {
		return nil
	}
	return t.expired(now)
}

// logExpired says which rules in force have expired: they are loaded, so
// their sources' scans raise normal alerts naming them, which surprises
// less when the log has said why.
func (l *List) logExpired(t *table) {
	for _, e := range t.expired(l.now()) {
		l.log.Warn("allowlist rule has expired: its sources' scans raise normal alerts naming it",
			"rule", e.Rule, "expired", e.At)
	}
}
