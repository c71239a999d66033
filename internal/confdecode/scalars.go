package confdecode

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// toString takes text. A time is written back as it was most likely
// written: viper's YAML reads 2026-11-01 as midnight UTC, which is the date.
// Numbers and booleans are refused, since their spelling is lost (0123 is
// 83), except as list items, where YAML reads the 23 of [23, 161/udp] as a
// number and its text is what was meant.
func toString(raw any, item bool) (string, error) {
	switch v := raw.(type) {
	case string:
		return v, nil
	case time.Time:
		if v.Location() == time.UTC && v.Equal(v.Truncate(24*time.Hour)) {
			return v.Format(time.DateOnly), nil
		}
		return v.Format(time.RFC3339Nano), nil
	case int, int64, uint64:
		if item {
			return fmt.Sprint(v), nil
		}
	}
	if isScalar(raw) {
		return "", fmt.Errorf("expected a string, got %s (quote it)", Describe(raw))
	}
	return "", fmt.Errorf("expected a string, got %s", Describe(raw))
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
	return 0, fmt.Errorf("expected a duration such as \"2h\", \"5s\" or \"200ms\", got %s", Describe(raw))
}

// isScalar reports whether raw is a single value rather than a list or a
// mapping.
func isScalar(raw any) bool {
	switch raw.(type) {
	case []any, []string, map[string]any, map[any]any:
		return false
	}
	return true
}

// Describe shows a value found in the configuration the way the user wrote
// it, for messages.
func Describe(raw any) string {
	switch v := raw.(type) {
	case nil:
		return "an empty value"
	case string:
		return strconv.Quote(v)
	case []any, []string:
		return "a list"
	case map[string]any, map[any]any:
		return "a mapping"
	}
	return fmt.Sprint(raw)
}
