package allowlist

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	const file = `
rules:
  - name: nessus
    comment: weekly PCI scan
    sources: [10.0.0.5, 10.9.0.0/24, "2001:db8::/64", 2001:db8:1::7]
    targets: [10.1.0.0/16]
    ports: [tcp/1-1024, udp/53, icmp, "tcp/8000-8100,9090"]
    schedule:
      timezone: Europe/Berlin
      weekly: ["Tue 02:00-05:00", "Sat-Sun 22:00-06:00", daily 12:00-12:30]
      from: 2026-11-01
      until: 2026-12-31T18:00:00Z
    expires: 2027-01-01
  - name: inventory
    sources: 192.0.2.7
`
	rules, err := Parse([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{{
		Name:    "nessus",
		Comment: "weekly PCI scan",
		Sources: []string{"10.0.0.5", "10.9.0.0/24", "2001:db8::/64", "2001:db8:1::7"},
		Targets: []string{"10.1.0.0/16"},
		Ports:   []string{"tcp/1-1024", "udp/53", "icmp", "tcp/8000-8100,9090"},
		Schedule: Schedule{
			Timezone: "Europe/Berlin",
			Weekly:   []string{"Tue 02:00-05:00", "Sat-Sun 22:00-06:00", "daily 12:00-12:30"},
			From:     "2026-11-01",
			Until:    "2026-12-31T18:00:00Z",
		},
		Expires: "2027-01-01",
	}, {Name: "inventory", Sources: []string{"192.0.2.7"}}}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("got  %+v\nwant %+v", rules, want)
	}
}

// TestProblemsNameRuleFieldAndValue: each bad value gives one problem that
// names the rule, the field and the value as written.
func TestProblemsNameRuleFieldAndValue(t *testing.T) {
	for _, c := range []struct{ rule, want string }{
		{`{name: nessus, sources: [10.0.0.5, 10.0.0.300]}`, `rule "nessus": sources[1]: "10.0.0.300" is not an IP or CIDR`},
		{`{name: n, sources: [10.0.0.5/8]}`, `rule "n": sources[0]: "10.0.0.5/8" has bits set past its /8 prefix (did you mean "10.0.0.0/8"?)`},
		{`{name: n, sources: ["10.0.0.0/33"]}`, `rule "n": sources[0]: "10.0.0.0/33" is not an IP or CIDR`},
		{`{name: n, sources: ["fe80::1%eth0"]}`, `rule "n": sources[0]: "fe80::1%eth0": IPv6 zones are not supported`},
		{`{name: n, sources: [example.com]}`, `rule "n": sources[0]: "example.com" is not an IP or CIDR`},
		{`{name: n}`, `rule "n": sources: at least one IP or CIDR is required`},
		{`{name: n, sources: []}`, `rule "n": sources: at least one IP or CIDR is required`},
		{`{sources: [10.0.0.5]}`, `rules[0]: name: required`},
		{`{name: "nessus weekly", sources: [10.0.0.5]}`, `rule "nessus weekly": name: "nessus weekly" may hold only letters, digits and - _ . : @ /`},
		{`{name: n, sources: [10.0.0.5], targets: [10.1.0.0/16, "10.1"]}`, `rule "n": targets[1]: "10.1" is not an IP or CIDR`},
		{`{name: n, sources: [10.0.0.5], ports: [tcpp/80]}`, `rule "n": ports[0]: "tcpp/80": unknown protocol "tcpp" (expected tcp, udp, sctp, icmp or icmpv6, optionally with /PORTS, ip/PROTOCOL, or any)`},
		{`{name: n, sources: [10.0.0.5], ports: [tcp/70000]}`, `rule "n": ports[0]: "tcp/70000": port 70000 is out of range (0-65535)`},
		{`{name: n, sources: [10.0.0.5], ports: [tcp/1024-1]}`, `rule "n": ports[0]: "tcp/1024-1": range 1024-1 runs backwards`},
		{`{name: n, sources: [10.0.0.5], ports: [tcp/80-]}`, `rule "n": ports[0]: "tcp/80-": a port is missing`},
		{`{name: n, sources: [10.0.0.5], ports: [tcp/http]}`, `rule "n": ports[0]: "tcp/http": "http" is not a port`},
		{`{name: n, sources: [10.0.0.5], ports: [tcp/]}`, `rule "n": ports[0]: "tcp/": nothing after "tcp/"`},
		{`{name: n, sources: [10.0.0.5], ports: [icmp/300]}`, `rule "n": ports[0]: "icmp/300": ICMP type 300 is out of range (0-255)`},
		{`{name: n, sources: [10.0.0.5], ports: [ip/256]}`, `rule "n": ports[0]: "ip/256": IP protocol 256 is out of range (0-255)`},
		{`{name: n, sources: [10.0.0.5], ports: [any/80]}`, `rule "n": ports[0]: "any/80": any takes no ports`},
		{`{name: n, sources: [10.0.0.5], ports: [53]}`, `rule "n": ports[0]: "53": a port needs its protocol, such as "tcp/53" or "udp/53"`},
		{`{name: n, sources: [10.0.0.5], schedule: {timezone: Europe/Berln}}`, `rule "n": schedule.timezone: "Europe/Berln" is not an IANA time zone such as "Europe/Berlin"`},
		{`{name: n, sources: [10.0.0.5], schedule: {timezone: Local}}`, `rule "n": schedule.timezone: "Local" is not an IANA time zone`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["Tue 2-5"]}}`, `rule "n": schedule.weekly[0]: "Tue 2-5": "2" is not a time of day: expected HH:MM such as 02:00`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["Tus 02:00-05:00"]}}`, `rule "n": schedule.weekly[0]: "Tus 02:00-05:00": "Tus" is not a day`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["Tue 02:00-25:00"]}}`, `rule "n": schedule.weekly[0]: "Tue 02:00-25:00": "25:00" is not a time of day (00:00 to 23:59, or 24:00 as an end)`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["Tue 24:00-02:00"]}}`, `rule "n": schedule.weekly[0]: "Tue 24:00-02:00": "24:00" is not a time of day`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["Tue 02:00-02:00"]}}`, `rule "n": schedule.weekly[0]: "Tue 02:00-02:00": the window 02:00-02:00 is empty`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["Tue 02:00"]}}`, `rule "n": schedule.weekly[0]: "Tue 02:00": "02:00" is not a time range`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekly: ["on Tue 02:00-03:00"]}}`, `rule "n": schedule.weekly[0]: "on Tue 02:00-03:00": expected DAYS HH:MM-HH:MM`},
		{`{name: n, sources: [10.0.0.5], schedule: {from: 2026-13-01}}`, `rule "n": schedule.from: "2026-13-01" is not a time: expected RFC 3339`},
		{`{name: n, sources: [10.0.0.5], schedule: {until: next week}}`, `rule "n": schedule.until: "next week" is not a time`},
		{`{name: n, sources: [10.0.0.5], schedule: {from: 2026-12-01, until: 2026-11-01}}`, `rule "n": schedule: from "2026-12-01" is not before until "2026-11-01"`},
		{`{name: n, sources: [10.0.0.5], expires: tomorrow}`, `rule "n": expires: "tomorrow" is not a time`},
		{`{name: n, sources: [10.0.0.5], source: [10.0.0.6]}`, `rule "n": unknown field "source" (did you mean sources?)`},
		{`{name: n, sources: [10.0.0.5], schedule: {weekdays: [Tue]}}`, `rule "n": schedule: unknown field "weekdays"`},
		{`{name: n, sources: {a: 10.0.0.5}}`, `rule "n": sources: expected a list of strings, got a mapping`},
		{`{name: n, sources: [[10.0.0.5]]}`, `rule "n": sources[0]: expected a string, got a list`},
		{`{name: [n], sources: [10.0.0.5]}`, `rules[0]: name: expected a string, got a list`},
		{`{name: n, sources: [10.0.0.5], schedule: [Tue]}`, `rule "n": schedule: expected a mapping with timezone, weekly, from, until, got a list`},
		{`nessus`, `rules[0]: expected a mapping with name, comment, sources, targets, ports, schedule, expires, got "nessus"`},
	} {
		_, err := Parse([]byte("rules:\n  - " + c.rule + "\n"))
		ps := problemLines(err)
		if len(ps) != 1 || !strings.HasPrefix(ps[0], c.want) {
			t.Errorf("%s:\n got %q\nwant one problem starting %q", c.rule, ps, c.want)
		}
	}
}

// problemLines is err's problems, one per element.
func problemLines(err error) []string {
	var out []string
	for _, e := range split(err) {
		if e != nil {
			out = append(out, e.Error())
		}
	}
	return out
}

// TestEveryProblemAtOnce: one parse reports the problems of every rule,
// shape and value alike, and names duplicates.
func TestEveryProblemAtOnce(t *testing.T) {
	const file = `
rules:
  - name: a
    sources: [10.0.0.300, "::g"]
    ports: [tcp/0-65536]
    colour: blue
  - name: b
    sources: {x: 1}
    schedule: {weekly: [Mon 9-5]}
  - name: a
    sources: [10.0.0.1]
extra: 1
`
	_, err := Parse([]byte(file))
	got := problemLines(err)
	want := []string{
		`unknown key "extra": the file holds only "rules:"`,
		`rule "a": unknown field "colour"`,
		`rule "b": sources: expected a list of strings, got a mapping`,
		`rule "a": sources[0]: "10.0.0.300" is not an IP or CIDR`,
		`rule "a": sources[1]: "::g" is not an IP or CIDR`,
		`rule "a": ports[0]: "tcp/0-65536": port 65536 is out of range (0-65535)`,
		`rule "b": schedule.weekly[0]: "Mon 9-5": "9" is not a time of day`,
		`rules[2]: duplicate name "a" (also rules[0])`,
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("no problem starts %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestParseFileShape(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"", `the file is empty`},
		{"# only a comment\n", `the file is empty`},
		{"- name: a\n", `expected the rules under "rules:", got a list`},
		{"rule: []\n", `unknown key "rule"`},
		{"rules: nessus\n", `rules: expected a list of rules, got "nessus"`},
		{"rules: [\n", `not valid YAML: yaml: line`},
		{"rules: 5\n", `rules: expected a list of rules, got "5"`},
		{"rules:\n  - &a {name: a, sources: [&b [*b]]}\n", `not valid YAML`},
		{"rules: []\nrules: []\n", `key "rules" given twice`},
	} {
		_, err := Parse([]byte(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.file, err, c.want)
		}
	}
	for _, ok := range []string{"rules: []\n", "rules:\n", "Rules: []\n"} {
		if rules, err := Parse([]byte(ok)); err != nil || rules != nil {
			t.Errorf("%q: %v, %v; want no rules and no error", ok, rules, err)
		}
	}
}

// TestDecodeRulesFromEnvironment: a variable holds the rules as YAML text.
func TestDecodeRulesFromEnvironment(t *testing.T) {
	rules, err := DecodeRules(`[{name: a, sources: [10.0.0.5], ports: tcp}]`)
	if err != nil || len(rules) != 1 || rules[0].Name != "a" || rules[0].Ports[0] != "tcp" {
		t.Errorf("%+v, %v", rules, err)
	}
	for _, bad := range []string{"10.0.0.5", "{name: a}", "[a"} {
		if _, err := DecodeRules(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if rules, err := DecodeRules([]any{}); rules != nil || err != nil {
		t.Errorf("empty list: %v, %v; want nil, nil (the default)", rules, err)
	}
}

// TestValidateConfig: inline problems are plain errors, the file's are
// *FileError naming it, an unreadable file is the read error, and names
// are unique across both.
func TestValidateConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "allow.yaml")
	os.WriteFile(path, []byte("rules:\n  - {name: a, sources: [10.0.0.7]}\n  - {name: c, sources: [bad]}\n"), 0o644)
	c := Config{File: path, Rules: []Rule{{Name: "a", Sources: []string{"10.0.0.5"}}, {Name: "b", Sources: []string{"10.0.0.256"}}}}
	var inline, inFile []string
	for _, e := range split(c.Validate()) {
		var fe *FileError
		if errors.As(e, &fe) {
			if fe.Path != path {
				t.Errorf("FileError.Path %q", fe.Path)
			}
			inFile = append(inFile, e.Error())
		} else {
			inline = append(inline, e.Error())
		}
	}
	wantInline := []string{`rule "b": sources[0]: "10.0.0.256" is not an IP or CIDR`}
	wantFile := []string{
		path + `: rule "c": sources[0]: "bad" is not an IP or CIDR`,
		path + `: rules[0]: duplicate name "a" (also rules[0] of the main configuration)`,
	}
	if !reflect.DeepEqual(inline, wantInline) || !reflect.DeepEqual(inFile, wantFile) {
		t.Errorf("inline %q\nfile %q", inline, inFile)
	}

	c.File = filepath.Join(dir, "missing.yaml")
	c.Rules = nil
	var pe *fs.PathError
	if err := c.Validate(); !errors.As(err, &pe) || pe.Path != c.File {
		t.Errorf("missing file: %v", err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("empty config: %v", err)
	}
}

// TestJSONRoundTrip: a rule marshalled to JSON, which is YAML, reads back
// the same; check-config --print relies on it.
func TestJSONRoundTrip(t *testing.T) {
	in := []Rule{{Name: "a", Comment: "c", Sources: []string{"10.0.0.5"}, Targets: []string{"10.1.0.0/16"},
		Ports: []string{"tcp/22"}, Schedule: Schedule{Timezone: "UTC", Weekly: []string{"Tue 02:00-05:00"}}, Expires: "2027-01-01"},
		{Name: "b", Sources: []string{"::1"}}}
	text := FormatRules(in)
	out, err := DecodeRules(text)
	if err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("%s\nreads back as %+v, %v", text, out, err)
	}
}
