package main

import (
	"fmt"
	"slices"
	"strings"
)

// result is one capture's evaluation.
type result struct {
	capture
	eps []*episode
	err error
	// missed are labelled scanners no alert named; others are sources
	// alerted in a scan capture that are not among its scanners.
	missed, others []string
	// delays holds, per detected scanner, the first contacts in the start
	// alert of the first episode that named it: how much the scanner had
	// probed when it was flagged.
	delays []int
	// mismatches describe expectations no episode of the scanner met.
	mismatches []string
}

// score judges a capture's episodes against its label.
func score(c capture, eps []*episode, err error) result {
	r := result{capture: c, eps: eps, err: err}
	if !c.isScan() {
		return r
	}
	for _, s := range c.Scanners {
		first := slices.IndexFunc(eps, func(e *episode) bool { return e.names(s) })
		if first < 0 {
			r.missed = append(r.missed, s)
			continue
		}
		if st := eps[first].start; st != nil {
			r.delays = append(r.delays, int(st.Portsnare.Scan.Contacts))
		}
		r.mismatches = append(r.mismatches, mismatches(s, c.Expect, eps, eps[first])...)
	}
	for _, e := range eps {
		for _, n := range e.named {
			if !slices.Contains(c.Scanners, n) && !slices.Contains(r.others, n) {
				r.others = append(r.others, n)
			}
		}
	}
	slices.Sort(r.others)
	return r
}

// mismatches compares the expectation with the scanner's episodes: none
// when any episode naming the scanner meets every expected field, else one
// per field the first such episode gets wrong.
func mismatches(scanner string, want *expect, eps []*episode, first *episode) []string {
	if want == nil {
		return nil
	}
	diff := func(e *episode) []string {
		a := e.summary()
		var out []string
		for _, f := range []struct{ name, want, got string }{
			{"action", want.Action, string(a.Event.Action)},
			{"technique", want.Technique, a.Portsnare.Scan.Technique},
			{"tool", want.Tool, a.Portsnare.Scan.Tool},
		} {
			if f.want != "" && f.want != f.got {
				out = append(out, fmt.Sprintf("%s %s: want %s, got %s", scanner, f.name, f.want, orNone(f.got)))
			}
		}
		return out
	}
	for _, e := range eps {
		if e.names(scanner) && len(diff(e)) == 0 {
			return nil
		}
	}
	return diff(first)
}

// failed: a replay error, a missed scanner or an alert on a benign capture.
func (r result) failed() bool {
	return r.err != nil || len(r.missed) > 0 || (!r.isScan() && len(r.eps) > 0)
}

// verdict is the result column of the per-capture table.
func (r result) verdict() string {
	var parts []string
	switch {
	case r.err != nil:
		parts = append(parts, "ERROR "+r.err.Error())
	case !r.isScan() && len(r.eps) > 0:
		parts = append(parts, "FALSE POSITIVE")
	case !r.isScan():
		parts = append(parts, "quiet")
	case len(r.missed) > 0:
		parts = append(parts, "MISSED "+strings.Join(r.missed, ","))
	default:
		parts = append(parts, "detected")
	}
	if len(r.others) > 0 {
		parts = append(parts, fmt.Sprintf("+%d other sources (%s)", len(r.others), strings.Join(r.others, ",")))
	}
	if len(r.mismatches) > 0 {
		parts = append(parts, "expected "+strings.Join(r.mismatches, "; "))
	}
	return strings.Join(parts, "; ")
}

// describe lists the episodes: action, source, technique/order/tool, first
// contacts at start and at end, the start's reason; sorted.
func (r result) describe() string {
	var out []string
	for _, e := range r.eps {
		a := e.summary()
		sc := a.Portsnare.Scan
		var first uint32
		reason := "?"
		if e.start != nil {
			first, reason = e.start.Portsnare.Scan.Contacts, e.start.Portsnare.Scan.Reason
		}
		out = append(out, fmt.Sprintf("%s %s %s/%s/%s, %d -> %d, %s", a.Event.Action, a.Source.IP,
			sc.Technique, sc.Order, orNone(sc.Tool), first, sc.Contacts, reason))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
