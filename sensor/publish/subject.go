package publish

import (
	"strings"

	"github.com/portsnare/portsnare/internal/render"
)

// Subject kinds: the token after the prefix.
const (
	KindAlert      = "alert"
	KindSuppressed = "suppressed"
	// KindAudit carries the allowlist rules' coverage reports, one subject
	// per rule: audit.<sensor>.<rule>.
	KindAudit = "audit"
)

// relSubject is an alert's subject without the prefix:
// alert.<sensor>.<action> or suppressed.<sensor>.<action>, and for a
// coverage report audit.<sensor>.<rule>. The prefix is added when the
// alert is sent, not when it is spooled, so alerts spooled before a change
// of nats.subject_prefix go where the stream now listens.
func relSubject(d *render.Document) string {
	if d.Subject != "" {
		return d.Subject
	}
	if d.AuditRule != "" {
		return KindAudit + "." + Token(d.Sensor) + "." + Token(d.AuditRule)
	}
	kind := KindAlert
	if d.Suppressed {
		kind = KindSuppressed
	}
	return kind + "." + Token(d.Sensor) + "." + Token(d.Action)
}

// Token makes s one subject token: '.' would split it into two, '*' and
// '>' are wildcards and white space ends a subject, so each becomes '_'. A
// host name sensor-1.example.com is thus the token sensor-1_example_com.
func Token(s string) string {
	if s == "" {
		return "_"
	}
	if !strings.ContainsFunc(s, badTokenRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if badTokenRune(r) {
			return '_'
		}
		return r
	}, s)
}

func badTokenRune(r rune) bool {
	return r == '.' || r == '*' || r == '>' || r <= ' ' || r == 0x7f
}

// Subjects returns the filter subjects of the stream for prefix: every
// alert, every suppressed alert and every coverage report of every sensor.
func Subjects(prefix string) []string {
	return []string{Subject(prefix, KindAlert), Subject(prefix, KindSuppressed), Subject(prefix, KindAudit)}
}

// Subject is the filter subject of one kind: <prefix>.<kind>.>.
func Subject(prefix, kind string) string { return prefix + "." + kind + ".>" }
