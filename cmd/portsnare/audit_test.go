package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// The coverage replay: nmap's SYN scan at 07:59 (before the window), zmap's
// port-80 sweep of 198.18.1.0/26 at 08:05, and benign traffic at 08:06:45,
// whose packets close the window Sun 08:05-08:06 in packet time.
var coverageCaptures = []string{synScan, "../../testdata/zmap-sweep/input.pcap", "../../testdata/benign-service/input.pcap"}

const coverageRules = `allowlist:
  rules:
    - name: weekly-sweep
      sources: [198.18.0.10]
      targets: [198.18.1.0/25]
      ports: [tcp/80]
      schedule: {timezone: UTC, weekly: ["Sun 08:05-08:06"]}
    - name: absent
      sources: [198.18.0.99]
      schedule: {timezone: UTC, weekly: ["Sun 08:05-08:06"]}
`

// audits returns the coverage reports and missing alerts among docs.
func audits(docs []detect.Alert) (reports, missing []detect.Alert) {
	for _, a := range docs {
		switch a.Event.Action {
		case detect.ActionAuthorizedScanReport:
			reports = append(reports, a)
		case detect.ActionAuthorizedScanMissing:
			missing = append(missing, a)
		}
	}
	return reports, missing
}

// TestReplayCoverageReport: a scan inside its rule's window gives a report
// with the hosts it reached of the rule's targets (64 of 128: zmap swept a
// /26 of the rule's /25), the port it probed, and the probes it made before
// the window; a rule whose source never came raises the missing alert.
func TestReplayCoverageReport(t *testing.T) {
	cfg := writeFile(t, "portsnare.yaml", coverageRules)
	reports, missing := audits(replayDocs(t, append([]string{"-c", cfg}, coverageCaptures...)...))
	if len(reports) != 2 {
		t.Fatalf("%d reports, want one per rule: %+v", len(reports), reports)
	}
	r := reports[0]
	d := r.Portsnare.Audit
	if r.Event.Kind != "event" || r.Portsnare.Suppressed || d.Rule != "weekly-sweep" {
		t.Fatalf("first report: kind %q suppressed %v rule %q, want weekly-sweep's event", r.Event.Kind, r.Portsnare.Suppressed, d.Rule)
	}
	if d.Result != detect.AuditRan || d.Partial || d.Open || d.WindowStart.Format("15:04") != "08:05" || d.WindowEnd.Format("15:04") != "08:06" {
		t.Errorf("window %s-%s result %s partial %v open %v, want ran in 08:05-08:06, whole", d.WindowStart, d.WindowEnd, d.Result, d.Partial, d.Open)
	}
	if c := d.Coverage; c == nil || c.Targets != 128 || c.Reached != 64 || c.Percent != 50 || !c.Exact ||
		len(c.UnreachedSample) == 0 || c.UnreachedSample[0] != "198.18.1.64" {
		t.Errorf("coverage %+v, want 64 of 128 exact, first unreached 198.18.1.64", d.Coverage)
	}
	if d.Hosts != 64 || d.Ports != 1 || !reflect.DeepEqual(d.PortsSample, []uint16{80}) || !reflect.DeepEqual(d.Sources, []string{"198.18.0.10"}) {
		t.Errorf("hosts %d ports %d %v sources %v, want 64 hosts, port 80, from 198.18.0.10", d.Hosts, d.Ports, d.PortsSample, d.Sources)
	}
	if d.Episodes != 1 || d.FirstProbe == nil || d.FirstProbe.Format("15:04") != "08:05" {
		t.Errorf("episodes %d first probe %v, want the sweep's episode at 08:05", d.Episodes, d.FirstProbe)
	}
	if d.OutsideWindow < 300 || d.OutOfScope != 0 {
		t.Errorf("outside window %d, out of scope %d: want the 07:59 scan's 300 ports outside the window", d.OutsideWindow, d.OutOfScope)
	}
	a := reports[1].Portsnare.Audit
	if a.Rule != "absent" || a.Result != detect.AuditMissed || a.Probes != 0 || a.Coverage != nil {
		t.Errorf("second report %+v, want absent missed", a)
	}
	if len(missing) != 1 {
		t.Fatalf("%d missing alerts, want 1", len(missing))
	}
	m := missing[0]
	if m.Event.Kind != "alert" || m.Portsnare.Suppressed || m.Event.Severity != 4 || m.Portsnare.Allowlist.Rule != "absent" ||
		!strings.Contains(m.Message, "no probe from the sources of rule absent") {
		t.Errorf("missing alert: %+v", m)
	}
}

// TestReplayCoverageDeterministic: replaying twice gives the same events,
// byte for byte.
func TestReplayCoverageDeterministic(t *testing.T) {
	cfg := writeFile(t, "portsnare.yaml", coverageRules)
	args := append([]string{"replay", "--quiet", "--log-level", "error", "-c", cfg}, coverageCaptures...)
	_, first, _ := runCLI(t, args...)
	_, second, _ := runCLI(t, args...)
	if first != second || !strings.Contains(first, `"authorized-scan-report"`) || !strings.Contains(first, `"authorized-scan-missing"`) {
		t.Fatalf("two replays differ, or lack the audit events:\n%s\n---\n%s", first, second)
	}
}

// TestReplayCoverageOpenAtEnd: a window still open when the replay ends is
// reported as it stands, open and partial, and never as missed.
func TestReplayCoverageOpenAtEnd(t *testing.T) {
	cfg := writeFile(t, "portsnare.yaml", `allowlist:
  rules:
    - {name: morning, sources: [198.18.0.10], targets: [198.18.0.2], schedule: {weekly: ["Sun 07:00-09:00"]}}
    - {name: idle, sources: [198.18.0.99], schedule: {weekly: ["Sun 07:00-09:00"]}}
`)
	reports, missing := audits(replayDocs(t, "-c", cfg, synScan))
	if len(reports) != 2 || len(missing) != 0 {
		t.Fatalf("%d reports, %d missing alerts; want 2 reports, no missing alert", len(reports), len(missing))
	}
	m, idle := reports[0].Portsnare.Audit, reports[1].Portsnare.Audit
	if !m.Open || !m.Partial || m.Result != detect.AuditRan || m.Coverage == nil || m.Coverage.Reached != 1 || m.Coverage.Targets != 1 || m.Ports != 300 {
		t.Errorf("morning: %+v, want open, partial, ran, 1 of 1 hosts, 300 ports", m)
	}
	if !idle.Open || idle.Result != detect.AuditUnobserved {
		t.Errorf("idle: %+v, want open and unobserved", idle)
	}
}
