package main

import (
	"math"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	for _, c := range []struct {
		raw  any
		into any // a pointer to the zero value of the target type
		want any // nil: an error is expected
	}{
		{"edge-1", new(string), "edge-1"},
		{42, new(string), nil},
		{30, new(int), 30},
		{int64(30), new(int), 30},
		{uint64(30), new(int), 30},
		{uint64(math.MaxUint64), new(int), nil},
		{" 30 ", new(int), 30}, // from the environment
		{2e5, new(float64), 2e5},
		{2e5, new(int), 200000}, // YAML's 2e5 is a float
		{2.5, new(int), nil},
		{1e300, new(int), nil},
		{"0x10", new(int), nil},
		{true, new(int), nil},
		{0.25, new(float64), 0.25},
		{"0.25", new(float64), 0.25},
		{1, new(float64), 1.0},
		{"NaN", new(float64), nil},
		{math.Inf(1), new(float64), nil},
		{2 * time.Hour, new(time.Duration), 2 * time.Hour},
		{"1h30m", new(time.Duration), 90 * time.Minute},
		{"200ms", new(time.Duration), 200 * time.Millisecond},
		{7200, new(time.Duration), nil},
		{"2 hours", new(time.Duration), nil},
		{nil, new(time.Duration), nil},
	} {
		err := decode(c.into, c.raw)
		if c.want == nil {
			if err == nil {
				t.Errorf("decode(%#v) into %T: no error", c.raw, c.into)
			}
			continue
		}
		if err != nil {
			t.Errorf("decode(%#v) into %T: %v", c.raw, c.into, err)
			continue
		}
		var got any
		switch p := c.into.(type) {
		case *string:
			got = *p
		case *int:
			got = *p
		case *float64:
			got = *p
		case *time.Duration:
			got = *p
		}
		if got != c.want {
			t.Errorf("decode(%#v) = %#v, want %#v", c.raw, got, c.want)
		}
	}
}

func TestFormatDurationRoundTrips(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Hour:           "2h",
		90 * time.Minute:        "1h30m",
		time.Minute:             "1m",
		5 * time.Second:         "5s",
		200 * time.Millisecond:  "200ms",
		time.Hour + time.Second: "1h0m1s",
	} {
		got := formatDuration(d)
		if got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("%q parses back to %v, %v", got, back, err)
		}
	}
}
