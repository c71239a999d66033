package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/portsnare/portsnare/allowlist"
)

// decode stores raw, a value as viper returns it, into the field dst points
// to. Values arrive typed from the YAML file and the defaults, and as strings
// from the environment and some flags, so strings are parsed; anything else
// is an error that names what was expected and shows what was found.
func decode(dst any, raw any) error {
	switch dst := dst.(type) {
	case *string:
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("expected a string, got %s (quote it)", describe(raw))
		}
		*dst = s
	case *int:
		n, ok := toInt(raw)
		if !ok {
			return fmt.Errorf("expected an integer, got %s", describe(raw))
		}
		*dst = n
	case *float64:
		f, ok := toFloat(raw)
		if !ok {
			return fmt.Errorf("expected a number, got %s", describe(raw))
		}
		*dst = f
	case *time.Duration:
		d, err := toDuration(raw)
		if err != nil {
			return err
		}
		*dst = d
	case *bool:
		b, ok := toBool(raw)
		if !ok {
			return fmt.Errorf("expected true or false, got %s", describe(raw))
		}
		*dst = b
	case *[]string:
		l, err := toStrings(raw)
		if err != nil {
			return err
		}
		*dst = l
	case *[]uint16:
		l, err := toPorts(raw)
		if err != nil {
			return err
		}
		*dst = l
	case *[]allowlist.Rule:
		// Shape problems are reported here, one each; the rules come back
		// without the misshapen fields, so validate still checks the rest.
		rules, err := allowlist.DecodeRules(raw)
		*dst = rules
		return err
	default:
		// A programming error in the settings table, caught by its tests.
		panic(fmt.Sprintf("decode: unsupported field type %T", dst))
	}
	return nil
}

func toInt(raw any) (int, bool) {
	switch v := raw.(type) {
	case int:
		return v, true
	case int64:
		if v < math.MinInt || v > math.MaxInt {
			return 0, false
		}
		return int(v), true
	case uint64:
		if v > math.MaxInt {
			return 0, false
		}
		return int(v), true
	case float64:
		// YAML reads 2e5 as a float; accept it when it is a whole number.
		if v != math.Trunc(v) || v < math.MinInt || v >= -float64(math.MinInt) {
			return 0, false
		}
		return int(v), true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 0)
		return int(n), err == nil
	}
	return 0, false
}

func toFloat(raw any) (float64, bool) {
	var f float64
	switch v := raw.(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case uint64:
		f = float64(v)
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	// NaN compares false with everything and would slip through range checks.
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

func toDuration(raw any) (time.Duration, error) {
	switch v := raw.(type) {
	case time.Duration:
		return v, nil
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("expected a duration such as \"2h\", \"5s\" or \"200ms\", got %q", v)
		}
		return d, nil
	case int, int64, uint64, float64:
		// A bare number is ambiguous (seconds? nanoseconds?), so it is refused.
		return 0, fmt.Errorf("expected a duration with a unit such as \"2h\", \"5s\" or \"200ms\", got %v", v)
	}
	return 0, fmt.Errorf("expected a duration such as \"2h\", \"5s\" or \"200ms\", got %s", describe(raw))
}

// describe shows a value found in the configuration the way the user wrote it.
func describe(raw any) string {
	switch v := raw.(type) {
	case nil:
		return "an empty value"
	case string:
		return strconv.Quote(v)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprint(raw)
}

func toBool(raw any) (bool, bool) {
	switch v := raw.(type) {
	case bool:
		return v, true
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		return b, err == nil
	}
	return false, false
}

// toStrings takes a YAML list of strings or, from the environment and flags,
// one string of comma-separated items.
func toStrings(raw any) ([]string, error) {
	l, err := toStringsList(raw)
	if len(l) == 0 {
		l = nil // an empty list is no list: keeps loaded configs comparable to defaults
	}
	return l, err
}

func toStringsList(raw any) ([]string, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case []string:
		return append([]string(nil), v...), nil
	case string:
		var out []string
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		return out, nil
	case []any:
		out := make([]string, 0, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if n, isInt := e.(int); isInt { // YAML reads 23 in [23, 161/udp] as a number: take its text
				s, ok = strconv.Itoa(n), true
			}
			if !ok {
				return nil, fmt.Errorf("item %d: expected a string, got %s", i, describe(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a list of strings, got %s", describe(raw))
}

// toPorts takes a list of port numbers (1-65535), as a YAML list or a
// comma-separated string.
func toPorts(raw any) ([]uint16, error) {
	l, err := toPortsList(raw)
	if len(l) == 0 {
		l = nil
	}
	return l, err
}

func toPortsList(raw any) ([]uint16, error) {
	var items []any
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case []uint16:
		return append([]uint16(nil), v...), nil
	case []any:
		items = v
	case string:
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				items = append(items, f)
			}
		}
	default:
		return nil, fmt.Errorf("expected a list of ports, got %s", describe(raw))
	}
	out := make([]uint16, 0, len(items))
	for i, e := range items {
		n, ok := toInt(e)
		if !ok || n < 1 || n > 65535 {
			return nil, fmt.Errorf("item %d: expected a port between 1 and 65535, got %s", i, describe(e))
		}
		out = append(out, uint16(n))
	}
	return out, nil
}
