package allowlist

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DecodeRules reads rules from a YAML value as viper or yaml.v3 give it (a
// list of mappings), from YAML text (an environment variable), or from
// []Rule. It checks shape only — unknown fields, a mapping where a string
// belongs — and reports every such problem; Validate checks the values. The
// rules are returned even with problems, minus the fields in the wrong shape,
// so that validation can still report everything else. No rules is nil.
func DecodeRules(raw any) ([]Rule, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case []Rule:
		if len(v) == 0 {
			return nil, nil
		}
		return slices.Clone(v), nil
	case string:
		parsed, err := parseYAML([]byte(v))
		if err != nil {
			return nil, err
		}
		if _, ok := parsed.([]any); !ok {
			return nil, fmt.Errorf("expected a list of rules, got %s", describe(parsed))
		}
		return DecodeRules(parsed)
	case []any:
		var rules []Rule
		var errs []error
		for i, item := range v {
			r, problems := decodeRule(i, item)
			rules = append(rules, r)
			errs = append(errs, problems...)
		}
		return rules, errors.Join(errs...)
	}
	return nil, fmt.Errorf("expected a list of rules, got %s", describe(raw))
}

// ruleFields are the fields of a rule, as written.
var ruleFields = []string{"name", "comment", "sources", "targets", "ports", "schedule", "expires"}

// scheduleFields are the fields of a schedule.
var scheduleFields = []string{"timezone", "weekly", "from", "until"}

// decodeRule reads rule i. Its problems are prefixed with the rule's label.
func decodeRule(i int, raw any) (Rule, []error) {
	var r Rule
	m, ok := asMap(raw)
	if !ok {
		r.skip = fieldName | fieldSources
		return r, []error{fmt.Errorf("rules[%d]: expected a mapping with name, sources and so on, got %s", i, describe(raw))}
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, k := range sortedKeys(m) {
		v := m[k]
		switch field := strings.ToLower(k); field {
		case "name":
			if !scalar(&r.Name, v) {
				r.skip |= fieldName
				fail("name: expected a string, got %s", describe(v))
			}
		case "comment":
			if !scalar(&r.Comment, v) {
				fail("comment: expected a string, got %s", describe(v))
			}
		case "expires":
			if !scalar(&r.Expires, v) {
				fail("expires: expected a time, got %s", describe(v))
			}
		case "sources":
			if err := list(&r.Sources, field, v); err != nil {
				r.skip |= fieldSources
				errs = append(errs, err)
			}
		case "targets":
			if err := list(&r.Targets, field, v); err != nil {
				errs = append(errs, err)
			}
		case "ports":
			if err := list(&r.Ports, field, v); err != nil {
				errs = append(errs, err)
			}
		case "schedule":
			errs = append(errs, decodeSchedule(&r.Schedule, v)...)
		default:
			fail("unknown field %q%s", k, suggest(field, ruleFields))
		}
	}
	return r, labelled(label(i, r), errs)
}

// decodeSchedule reads a rule's schedule mapping into s.
func decodeSchedule(s *Schedule, raw any) []error {
	if raw == nil {
		return nil
	}
	m, ok := asMap(raw)
	if !ok {
		return []error{fmt.Errorf("schedule: expected a mapping with timezone, weekly, from, until, got %s", describe(raw))}
	}
	var errs []error
	for _, k := range sortedKeys(m) {
		v := m[k]
		var dst *string
		switch field := strings.ToLower(k); field {
		case "timezone":
			dst = &s.Timezone
		case "from":
			dst = &s.From
		case "until":
			dst = &s.Until
		case "weekly":
			if err := list(&s.Weekly, "schedule.weekly", v); err != nil {
				errs = append(errs, err)
			}
			continue
		default:
			errs = append(errs, fmt.Errorf("schedule: unknown field %q%s", k, suggest(field, scheduleFields)))
			continue
		}
		if !scalar(dst, v) {
			errs = append(errs, fmt.Errorf("schedule.%s: expected a string, got %s", strings.ToLower(k), describe(v)))
		}
	}
	return errs
}

// scalar stores a YAML scalar's text in dst. Numbers and booleans are kept
// as written so that validation can name them ("ports[0]: \"53\" ..."); an
// empty value leaves dst empty.
func scalar(dst *string, v any) bool {
	switch v := v.(type) {
	case nil:
	case string:
		*dst = v
	case int, int64, uint64, float64, bool:
		*dst = fmt.Sprint(v)
	case time.Time:
		// From viper, which lets YAML read timestamps: a date comes back as
		// midnight UTC and is written back as the date it was. A time with
		// seconds but no offset was read as UTC; the package doc says so.
		if v.Location() == time.UTC && v.Equal(v.Truncate(24*time.Hour)) {
			*dst = v.Format(time.DateOnly)
		} else {
			*dst = v.Format(time.RFC3339Nano)
		}
	default:
		return false
	}
	return true
}

// list stores a list of scalars in dst; a single scalar is a list of one.
func list(dst *[]string, field string, v any) error {
	items, ok := v.([]any)
	if !ok {
		var s string
		if !scalar(&s, v) {
			return fmt.Errorf("%s: expected a list of strings, got %s", field, describe(v))
		}
		if v != nil {
			*dst = []string{s}
		}
		return nil
	}
	out := make([]string, 0, len(items))
	var errs []error
	for i, item := range items {
		var s string
		if !scalar(&s, item) {
			errs = append(errs, fmt.Errorf("%s[%d]: expected a string, got %s", field, i, describe(item)))
		}
		out = append(out, s)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	*dst = out
	return nil
}

// asMap accepts both mapping types YAML decoders produce.
func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
		return out, true
	}
	return nil, false
}

// sortedKeys keeps reports in a stable order: Go's map order is random.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// describe shows a value the way the user wrote it.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "an empty value"
	case string:
		return strconv.Quote(v)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a mapping"
	}
	return fmt.Sprint(v)
}
