package main

import (
	"github.com/portsnare/portsnare/sensor/publish"

	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/portsnare/portsnare/allowlist"
)

// renderYAML writes c as a YAML configuration file with every key, each
// under its one-line comment, after header. With the defaults it is the
// example file; with a loaded configuration it is what check-config --print
// shows. Both come from the settings table, so neither can drift from it.
func renderYAML(c Config, header string) string {
	var b strings.Builder
	b.WriteString(header)
	for _, sec := range sections {
		fmt.Fprintf(&b, "\n# %s\n%s:\n", strings.ReplaceAll(sec.doc, "\n", "\n# "), sec.name)
		first := true
		for _, s := range settings {
			name, ok := strings.CutPrefix(s.key, sec.name+".")
			if !ok {
				continue
			}
			if !first {
				b.WriteString("\n")
			}
			first = false
			value := formatValue(s.field(&c))
			switch {
			case secretKeys[s.key] && value != `""`:
				// Printed configurations end up in tickets and chat logs.
				value = `"<redacted>"`
			case s.key == "nats.urls" && len(c.NATS.URLs) > 0:
				value = formatValue(ptr(strings.Split(publish.Redact(strings.Join(c.NATS.URLs, ",")), ",")))
			}
			fmt.Fprintf(&b, "  # %s\n  %s: %s\n", s.doc, name, value)
		}
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

// secretKeys are never printed.
var secretKeys = map[string]bool{"nats.token": true, "nats.password": true}

// formatValue writes the value field points to as YAML that decode reads
// back to the same value.
func formatValue(field any) string {
	switch v := field.(type) {
	case *string:
		return strconv.Quote(*v) // Go's escapes are a subset of YAML's double-quoted ones
	case *int:
		return strconv.Itoa(*v)
	case *float64:
		return strconv.FormatFloat(*v, 'g', -1, 64)
	case *time.Duration:
		return formatDuration(*v)
	case *bool:
		return strconv.FormatBool(*v)
	case *[]string:
		q := make([]string, len(*v))
		for i, s := range *v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case *[]uint16:
		q := make([]string, len(*v))
		for i, p := range *v {
			q[i] = strconv.Itoa(int(p))
		}
		return "[" + strings.Join(q, ", ") + "]"
	case *[]allowlist.Rule:
		return allowlist.FormatRules(*v)
	}
	panic(fmt.Sprintf("formatValue: unsupported field type %T", field))
}

// formatDuration drops the zero units time.Duration.String adds: "2h", not
// "2h0m0s". The result still parses with time.ParseDuration.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
