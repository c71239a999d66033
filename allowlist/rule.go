package allowlist

// Config is the allowlist section of the configuration: rules given inline
// and a file of further rules. Names are unique across both.
type Config struct {
	// File is a YAML file with the rules under "rules:"; empty means none.
	// A List reloads it when it changes.
	File string
	// Rules are the rules given in the main configuration.
	Rules []Rule
}

// Rule is one rule as written in YAML: strings, checked and compiled by
// Validate and New. The JSON form (field names as in YAML) is valid YAML and
// reads back to the same rule.
type Rule struct {
	// Name identifies the rule in alerts (portsnare.allowlist.rule), logs
	// and metrics.
	Name string `json:"name"`
	// Comment is for people: who asked for the rule, a ticket.
	Comment string `json:"comment,omitempty"`
	// Sources are the scanners' addresses: IPs and CIDRs, v4 and v6.
	Sources []string `json:"sources"`
	// Targets limit what the scanners may probe: IPs and CIDRs; none means
	// any target.
	Targets []string `json:"targets,omitempty"`
	// Ports limit the protocols and ports: "tcp/1-1024", "udp/53", "icmp",
	// "ip/47", "any"; none means any.
	Ports []string `json:"ports,omitempty"`
	// Schedule limits when; zero means always.
	Schedule Schedule `json:"schedule,omitzero"`
	// Expires, if set, is when the rule stops covering anything in scope.
	Expires string `json:"expires,omitempty"`

	// skip marks fields whose YAML had the wrong shape: the decoder has
	// reported them, so validation must not report them again as missing.
	skip fieldSet
}

// Schedule is when a rule's scans may run: inside the absolute bounds, if
// any, and inside one of the weekly windows, if any.
type Schedule struct {
	// Timezone is an IANA name ("Europe/Berlin") for the weekly windows and
	// for times written without an offset; empty means UTC.
	Timezone string `json:"timezone,omitempty"`
	// Weekly windows: "Tue 02:00-05:00", "Mon-Fri 22:00-06:00", "daily 01:00-02:00".
	Weekly []string `json:"weekly,omitempty"`
	// From and Until bound the schedule: RFC 3339 ("2026-11-01T02:00:00Z"),
	// a local time ("2026-11-01 02:00") or a date; From inclusive, Until
	// exclusive, except that a date alone as Until includes that day.
	From  string `json:"from,omitempty"`
	Until string `json:"until,omitempty"`
}

// IsZero reports whether s sets nothing: the rule applies at all times.
func (s Schedule) IsZero() bool {
	return s.Timezone == "" && len(s.Weekly) == 0 && s.From == "" && s.Until == ""
}

// fieldSet is a set of rule fields, by bit.
type fieldSet uint8

const (
	fieldName fieldSet = 1 << iota
	fieldSources
)
