package confdecode

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestScalars(t *testing.T) {
	for _, c := range []struct {
		raw  any
		into any // a pointer to the zero value of the target type
		want any // nil: an error is expected
	}{
		{"edge-1", new(string), "edge-1"},
		{42, new(string), nil},
		{true, new(string), nil},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), new(string), "2026-11-01"},
		{time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC), new(string), "2026-11-01T02:00:00Z"},
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
		{true, new(bool), true},
		{" false", new(bool), false},
		{"yes", new(bool), nil},
		{2 * time.Hour, new(time.Duration), 2 * time.Hour},
		{"1h30m", new(time.Duration), 90 * time.Minute},
		{"200ms", new(time.Duration), 200 * time.Millisecond},
		{7200, new(time.Duration), nil},
		{"2 hours", new(time.Duration), nil},
		{8080, new(uint16), uint16(8080)},
		{"53", new(uint16), uint16(53)},
		{0, new(uint16), nil},
		{65536, new(uint16), nil},
	} {
		err := Into(c.into, c.raw)
		if c.want == nil {
			if err == nil {
				t.Errorf("Into(%T, %#v): no error", c.into, c.raw)
			}
			continue
		}
		if err != nil {
			t.Errorf("Into(%T, %#v): %v", c.into, c.raw, err)
			continue
		}
		if got := reflect.ValueOf(c.into).Elem().Interface(); got != c.want {
			t.Errorf("Into(%T, %#v) = %#v, want %#v", c.into, c.raw, got, c.want)
		}
	}
}

func TestScalarMessages(t *testing.T) {
	for _, c := range []struct {
		into any
		raw  any
		want string
	}{
		{new(string), 42, "expected a string, got 42 (quote it)"},
		{new(string), []any{"a"}, "expected a string, got a list"},
		{new(int), "lots", `expected an integer, got "lots"`},
		{new(float64), map[string]any{}, "expected a number, got a mapping"},
		{new(bool), "yes", `expected true or false, got "yes"`},
		{new(time.Duration), 7200, `expected a duration with a unit such as "2h", "5s" or "200ms", got 7200`},
		{new(time.Duration), "soon", `expected a duration such as "2h", "5s" or "200ms", got "soon"`},
		{new([]uint16), []any{22, 0}, "[1]: expected a port between 1 and 65535, got 0"},
		{new([]string), map[string]any{"a": 1}, "expected a list of strings, got a mapping"},
		{new([]string), []any{"a", []any{"b"}}, "[1]: expected a string, got a list"},
	} {
		if err := Into(c.into, c.raw); err == nil || err.Error() != c.want {
			t.Errorf("Into(%T, %#v) = %v, want %q", c.into, c.raw, err, c.want)
		}
	}
}

func TestLists(t *testing.T) {
	for _, c := range []struct {
		raw  any
		want []string
	}{
		{[]any{"auto", 23, "161/udp"}, []string{"auto", "23", "161/udp"}}, // YAML reads 23 as a number
		{"10.0.0.5", []string{"10.0.0.5"}},                                // a single value is a list of one
		{53, []string{"53"}},
		{[]string{"a", "b"}, []string{"a", "b"}},
		{[]any{}, nil},
		{[]string{}, nil},
	} {
		var got []string
		if err := Into(&got, c.raw); err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Into(%#v) = %#v, %v; want %#v", c.raw, got, err, c.want)
		}
	}
	def := []string{"a"}
	var got []string
	Into(&got, def)
	got[0] = "b"
	if def[0] != "a" {
		t.Error("the value decoded shares its array with the value given")
	}
	keep := []string{"kept"}
	if err := Into(&keep, []any{"a", 1.5}); err == nil || !reflect.DeepEqual(keep, []string{"kept"}) {
		t.Errorf("a bad list: %q, %v; want it left as it was, and an error", keep, err)
	}
}

type inner struct {
	Zone  string   `json:"timezone,omitempty"`
	Times []string `json:"times"`
}

type outer struct {
	Name   string        `json:"name"`
	Count  int           `json:"count"`
	Inner  inner         `json:"inner,omitzero"`
	Wait   time.Duration `json:"wait"`
	hidden string        //lint:ignore U1000 unread: it shows that decoding refuses an unexported field
}

// TestStructEveryProblem: one call reports every problem, each at its
// path, unknown fields with a suggestion; good fields are still stored.
func TestStructEveryProblem(t *testing.T) {
	raw := []any{
		map[string]any{"Name": "a", "count": "3", "inner": map[string]any{"timezone": "UTC", "time": []any{"x"}}, "wait": "1s"},
		map[string]any{"name": []any{"b"}, "count": "many", "inner": []any{}, "colour": "blue", "hidden": "x"},
		"c",
	}
	var got []outer
	err := Into(&got, raw)
	var lines []string
	for _, p := range Problems(err) {
		lines = append(lines, p.Error())
	}
	want := []string{
		`[0].inner: unknown field "time" (did you mean times?)`,
		`[1]: unknown field "colour"`,
		`[1].count: expected an integer, got "many"`,
		`[1]: unknown field "hidden"`,
		`[1].inner: expected a mapping with timezone, times, got a list`,
		`[1].name: expected a string, got a list`,
		`[2]: expected a mapping with name, count, inner, wait, got "c"`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got != nil {
		t.Errorf("a list with problems was stored: %+v", got)
	}

	var one outer
	if err := Into(&one, raw[0]); err == nil || one.Name != "a" || one.Count != 3 || one.Wait != time.Second || one.Inner.Zone != "UTC" {
		t.Errorf("good fields beside a bad one: %+v, %v", one, err)
	}
}

func TestUnder(t *testing.T) {
	for path, want := range map[string]string{
		"":          "honeyport.ports: bad",
		"[0]":       "honeyport.ports[0]: bad",
		"a.b[1]":    "honeyport.ports.a.b[1]: bad",
		"[2].inner": "honeyport.ports[2].inner: bad",
	} {
		e := &Error{Path: path, Err: errString("bad")}
		if got := e.Under("honeyport.ports"); got != want {
			t.Errorf("Under(%q) = %q, want %q", path, got, want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestSuggest(t *testing.T) {
	candidates := []string{"sources", "targets", "ports", "schedule"}
	for name, want := range map[string]string{
		"source":   " (did you mean sources?)",
		"prots":    " (did you mean ports?)",
		"colour":   "",
		"schedual": " (did you mean schedule?)",
	} {
		if got := Suggest(name, candidates); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", name, got, want)
		}
	}
}
