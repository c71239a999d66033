package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
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
