package allowlist

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
	"unicode"
)

// table is a compiled rule set: immutable once built, swapped in whole.
type table struct {
	rules  []rule
	v4, v6 index
}

// rule is a compiled Rule.
type rule struct {
	name    string
	targets *addrSet  // nil: any target
	ports   *portSet  // nil: any protocol and port
	sched   *schedule // nil: always
	expires time.Time // zero: never
}

// compile checks inline rules and the rules file's contents (data, or the
// error reading it; path "" for no file) and builds their table. It reports
// every problem: inline ones as plain errors naming the rule, the file's as
// *FileError, a file that cannot be read as the error reading it.
func compile(inline []Rule, path string, data []byte, readErr error) (*table, error) {
	var fileRules []Rule
	var errs []error
	if path != "" {
		if readErr != nil {
			errs = append(errs, readErr)
		} else {
			var err error
			fileRules, err = parseFile(data)
			errs = append(errs, inFile(path, split(err))...)
		}
	}
	t := &table{}
	var v4, v6 []indexEntry
	add := func(rules []Rule, wrap func([]error) []error) {
		for i, r := range rules {
			c, sources, problems := compileRule(r)
			errs = append(errs, wrap(labelled(label(i, r), problems))...)
			if len(problems) > 0 {
				continue
			}
			idx := int32(len(t.rules))
			t.rules = append(t.rules, c)
			for _, p := range sources {
				s, is4 := spanOf(p)
				if is4 {
					v4 = append(v4, indexEntry{s, idx})
				} else {
					v6 = append(v6, indexEntry{s, idx})
				}
			}
		}
	}
	add(inline, func(e []error) []error { return e })
	add(fileRules, func(e []error) []error { return inFile(path, e) })
	errs = append(errs, duplicates(inline, path, fileRules)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t.v4, t.v6 = buildIndex(v4), buildIndex(v6)
	return t, nil
}

// compileRule checks one rule and compiles it, with its sources for the index.
func compileRule(r Rule) (rule, []netip.Prefix, []error) {
	c := rule{name: r.Name}
	var errs []error
	if r.skip&fieldName == 0 {
		if err := checkName(r.Name); err != nil {
			errs = append(errs, err)
		}
	}
	if len(r.Sources) == 0 && r.skip&fieldSources == 0 {
		errs = append(errs, errors.New("sources: at least one IP or CIDR is required"))
	}
	sources, problems := parseNets("sources", r.Sources)
	errs = append(errs, problems...)
	if len(r.Targets) > 0 {
		targets, problems := parseNets("targets", r.Targets)
		errs = append(errs, problems...)
		c.targets = newAddrSet(targets)
	}
	c.ports, problems = parsePorts(r.Ports)
	errs = append(errs, problems...)
	var loc *time.Location
	c.sched, loc, problems = compileSchedule(r.Schedule)
	errs = append(errs, problems...)
	if r.Expires != "" {
		var err error
		if c.expires, err = parseTime(r.Expires, loc, true); err != nil {
			errs = append(errs, fmt.Errorf("expires: %v", err))
		}
	}
	return c, sources, errs
}

// parseNets reads a list of IPs and CIDRs, naming each bad one by position.
func parseNets(field string, list []string) ([]netip.Prefix, []error) {
	var out []netip.Prefix
	var errs []error
	for i, s := range list {
		p, err := parseNet(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %v", field, i, err))
			continue
		}
		out = append(out, p)
	}
	return out, errs
}

// checkName keeps names fit for alerts, log lines and metric labels.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("name: required")
	case len(name) > 64:
		return fmt.Errorf("name: %q is longer than 64 bytes", name)
	}
	for _, c := range name {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@' || c == '/') {
			return fmt.Errorf("name: %q may hold only letters, digits and - _ . : @ /", name)
		}
	}
	return nil
}

// duplicates reports rule names used twice, within a list or across the
// inline rules and the file, naming the later one by position.
func duplicates(inline []Rule, path string, fileRules []Rule) []error {
	type place struct {
		pos    string
		inline bool
	}
	var errs []error
	first := map[string]place{}
	check := func(rules []Rule, isInline bool) {
		for i, r := range rules {
			if r.Name == "" || r.skip&fieldName != 0 {
				continue
			}
			pos := fmt.Sprintf("rules[%d]", i)
			prev, ok := first[r.Name]
			if !ok {
				first[r.Name] = place{pos, isInline}
				continue
			}
			also := prev.pos
			if prev.inline && !isInline {
				also += " of the main configuration"
			}
			err := fmt.Errorf("%s: duplicate name %q (also %s)", pos, r.Name, also)
			if !isInline {
				err = &FileError{Path: path, Err: err}
			}
			errs = append(errs, err)
		}
	}
	check(inline, true)
	check(fileRules, false)
	return errs
}
