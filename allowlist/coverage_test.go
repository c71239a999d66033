package allowlist

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

const coverageRules = `rules:
  - name: weekly
    sources: [10.0.0.5]
    targets: [192.0.2.0/30]
    ports: [tcp/1-1024]
    schedule: {timezone: UTC, weekly: ["daily 02:00-03:00"]}
  - name: adhoc
    sources: [10.0.0.9]
`

func audit(c *Coverage, since, now string, final bool) []detect.Audit {
	return c.Audit(at(since), at(now), final, nil)
}

func addrs(s ...string) []netip.Addr {
	out := make([]netip.Addr, len(s))
	for i, a := range s {
		out[i] = netip.MustParseAddr(a)
	}
	return out
}

// TestCoverageWindow: a window's report counts what the rule's source
// probed in scope, which of its targets it reached and which it never did,
// and what it probed out of scope; the next window, without the source,
// is missed.
func TestCoverageWindow(t *testing.T) {
	c := NewCoverage(mustList(t, coverageRules))
	const since = "2026-11-03T01:00:00Z"
	if got := audit(c, since, "2026-11-03T01:30:00Z", false); len(got) != 0 {
		t.Fatalf("before the window: %+v", got)
	}
	in := func(dst string, port uint16, when string) {
		if r, ok := c.Authorize(probe("10.0.0.5", dst, detect.ProtoTCP, port, at(when))); r != "weekly" || !ok {
			t.Fatalf("probe of %s:%d at %s: %q %v, want in scope of weekly", dst, port, when, r, ok)
		}
	}
	in("192.0.2.1", 22, "2026-11-03T02:10:00Z")
	in("192.0.2.1", 80, "2026-11-03T02:10:01Z")
	in("192.0.2.2", 22, "2026-11-03T02:11:00Z")
	c.Authorize(probe("10.0.0.5", "192.0.2.2", detect.ProtoTCP, 8080, at("2026-11-03T02:12:00Z")))
	c.Authorize(probe("10.0.0.5", "192.0.2.2", detect.ProtoTCP, 22, at("2026-11-03T04:00:00Z"))) // after the window
	c.AuditEpisode("weekly", netip.MustParseAddr("10.0.0.5"), at("2026-11-03T02:10:05Z"), false)
	if got := audit(c, since, "2026-11-03T02:59:59Z", false); len(got) != 0 {
		t.Fatalf("inside the window: %+v", got)
	}
	got := audit(c, since, "2026-11-03T04:00:01Z", false)
	want := detect.Audit{
		Rule: "weekly", Start: at("2026-11-03T02:00:00Z"), End: at("2026-11-03T03:00:00Z"), Scheduled: true,
		Result: detect.AuditRan, Episodes: 1, Sources: addrs("10.0.0.5"), SourcesSeen: 1,
		Probes: 3, Hosts: 2, Ports: 2, PortsList: []uint16{22, 80},
		Targets: 4, Reached: 2, CoverageExact: true, Unreached: addrs("192.0.2.0", "192.0.2.3"),
		First: at("2026-11-03T02:10:00Z"), Last: at("2026-11-03T02:11:00Z"), OutOfScope: 1, OutsideWindow: 1,
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("report:\n got %+v\nwant %+v", got, want)
	}
	got = audit(c, since, "2026-11-04T03:00:00Z", false)
	if len(got) != 1 || got[0].Result != detect.AuditMissed || got[0].Partial || got[0].Probes != 0 || got[0].Reached != 0 ||
		!got[0].Start.Equal(at("2026-11-04T02:00:00Z")) {
		t.Fatalf("next day's window, no probe: %+v, want missed", got)
	}
}

// TestCoveragePartial: a window the sensor began to watch late is partial,
// and without probes unobserved, not missed; one still open at the end is
// reported open and partial.
func TestCoveragePartial(t *testing.T) {
	c := NewCoverage(mustList(t, coverageRules))
	const since = "2026-11-03T02:30:00Z"
	got := audit(c, since, "2026-11-03T03:00:00Z", false)
	if len(got) != 1 || !got[0].Partial || got[0].Result != detect.AuditUnobserved {
		t.Fatalf("late start: %+v, want partial, unobserved", got)
	}
	c.Authorize(probe("10.0.0.5", "192.0.2.3", detect.ProtoTCP, 443, at("2026-11-04T02:05:00Z")))
	got = audit(c, since, "2026-11-04T02:06:00Z", true)
	if len(got) != 1 || !got[0].Open || !got[0].Partial || got[0].Result != detect.AuditRan || got[0].Reached != 1 {
		t.Fatalf("flushed inside a window: %+v, want open, partial, ran", got)
	}
}

// TestCoverageUnscheduled: a rule without a schedule is reported when the
// last open episode of its sources ends, from its first probe.
func TestCoverageUnscheduled(t *testing.T) {
	c := NewCoverage(mustList(t, coverageRules))
	const since = "2026-11-03T00:00:00Z"
	src := netip.MustParseAddr("10.0.0.9")
	c.Authorize(probe("10.0.0.9", "198.51.100.7", detect.ProtoUDP, 53, at("2026-11-03T10:00:00Z")))
	c.Authorize(probe("10.0.0.9", "198.51.100.8", detect.ProtoUDP, 53, at("2026-11-03T10:00:01Z")))
	c.AuditEpisode("adhoc", src, at("2026-11-03T10:00:01Z"), false)
	if got := adhoc(audit(c, since, "2026-11-03T10:00:02Z", false)); len(got) != 0 {
		t.Fatalf("while the scan runs: %+v", got)
	}
	c.AuditEpisode("adhoc", src, at("2026-11-03T10:05:00Z"), true)
	got := adhoc(audit(c, since, "2026-11-03T10:05:00Z", false))
	if len(got) != 1 || got[0].Rule != "adhoc" || got[0].Scheduled || got[0].Hosts != 2 || got[0].Ports != 1 ||
		!got[0].Start.Equal(at("2026-11-03T10:00:00Z")) || !got[0].End.Equal(at("2026-11-03T10:05:00Z")) || got[0].Targets != 0 {
		t.Fatalf("at the scan's end: %+v", got)
	}
	if got := adhoc(audit(c, since, "2026-11-03T11:00:00Z", true)); len(got) != 0 {
		t.Fatalf("nothing since: %+v", got)
	}
}

// adhoc keeps the reports of the rule adhoc.
func adhoc(as []detect.Audit) []detect.Audit {
	var out []detect.Audit
	for _, a := range as {
		if a.Rule == "adhoc" {
			out = append(out, a)
		}
	}
	return out
}

// TestCoverageWideTargets: a target set beyond the exact bound is counted
// by estimate, without a sample of the unreached.
func TestCoverageWideTargets(t *testing.T) {
	c := NewCoverage(mustList(t, `rules:
  - {name: wide, sources: [10.0.0.5], targets: [10.8.0.0/14], schedule: {weekly: ["daily 02:00-03:00"]}}
`))
	for i := range 3000 {
		dst := netip.AddrFrom4([4]byte{10, 8, byte(i >> 8), byte(i)})
		c.Authorize(probe("10.0.0.5", dst.String(), detect.ProtoTCP, 80, at("2026-11-03T02:10:00Z")))
	}
	got := audit(c, "2026-11-03T01:00:00Z", "2026-11-03T03:00:00Z", false)
	if len(got) != 1 {
		t.Fatalf("%d reports, want 1", len(got))
	}
	a := got[0]
	if a.CoverageExact || !a.HostsEstimated || a.Targets != 1<<18 || a.Unreached != nil || a.Reached < 2850 || a.Reached > 3150 {
		t.Fatalf("report %+v: want an estimate of 3000 of 262144, not exact", a)
	}
}

// TestCoverageAuthorizeAllocs: charging a probe to its rule allocates
// nothing.
func TestCoverageAuthorizeAllocs(t *testing.T) {
	c := NewCoverage(mustList(t, coverageRules))
	p := probe("10.0.0.5", "192.0.2.1", detect.ProtoTCP, 22, at("2026-11-03T02:10:00Z"))
	out := probe("10.0.0.5", "192.0.2.1", detect.ProtoTCP, 9999, at("2026-11-03T02:10:00Z"))
	c.Authorize(p)
	if n := testing.AllocsPerRun(1000, func() {
		p.DstPort++
		c.Authorize(p)
		c.Authorize(out)
	}); n != 0 {
		t.Fatalf("%v allocations per probe, want 0", n)
	}
}

// TestCoverageReload: a rule added by a reload is watched from then on, so
// its first window is partial; a removed rule's account is reported.
func TestCoverageReload(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/rules.yaml"
	write(t, file, coverageRules)
	l, err := New(Config{File: file}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := NewCoverage(l)
	c.Authorize(probe("10.0.0.9", "198.51.100.7", detect.ProtoUDP, 53, at("2026-11-03T01:30:00Z")))
	write(t, file, `rules:
  - {name: later, sources: [10.0.0.5], schedule: {weekly: ["daily 01:00-02:00"]}}
`)
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	got := audit(c, "2026-11-03T00:00:00Z", "2026-11-03T02:00:00Z", false)
	var rules []string
	for _, a := range got {
		rules = append(rules, a.Rule)
		if !a.Partial {
			t.Errorf("%s: not partial", a.Rule)
		}
	}
	if !reflect.DeepEqual(rules, []string{"adhoc", "later"}) {
		t.Fatalf("reports for %v, want the removed adhoc (weekly had nothing to report), then later's first window", rules)
	}
}

// TestWindowCounter counts closed windows by rule and result.
func TestWindowCounter(t *testing.T) {
	var wc WindowCounter
	doc := func(rule string, r detect.AuditResult, open bool) *detect.Alert {
		a := &detect.Alert{}
		a.Event.Action = detect.ActionAuthorizedScanReport
		a.Portsnare.Audit = &detect.AuditData{Rule: rule, Result: r, Open: open}
		return a
	}
	wc.Observe(doc("a", detect.AuditRan, false))
	wc.Observe(doc("a", detect.AuditRan, false))
	wc.Observe(doc("a", detect.AuditMissed, false))
	wc.Observe(doc("a", detect.AuditRan, true))
	want := map[WindowKey]uint64{{"a", detect.AuditRan}: 2, {"a", detect.AuditMissed}: 1}
	if got := wc.Counts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
}
