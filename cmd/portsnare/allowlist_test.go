package main

import (
	"bufio"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// synScan is a real nmap SYN scan, 198.18.0.10 → 198.18.0.2, recorded on
// Sunday 2026-11-29 at 07:59 UTC: its episode raises start, update and end.
const synScan = "../../testdata/nmap-syn-random/input.pcap"

// replayAlerts replays the capture with args and returns the scan alerts:
// the rules' coverage reports (and missing alerts) left out.
func replayAlerts(t *testing.T, args ...string) []detect.Alert {
	t.Helper()
	var alerts []detect.Alert
	for _, a := range replayDocs(t, append(args, synScan)...) {
		if a.Portsnare.Audit == nil {
			alerts = append(alerts, a)
		}
	}
	if len(alerts) == 0 {
		t.Fatal("no alerts: the scan was not detected")
	}
	return alerts
}

// replayDocs replays with args (options, then captures) and returns every
// document written.
func replayDocs(t *testing.T, args ...string) []detect.Alert {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"replay", "--quiet", "--log-level", "error"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var alerts []detect.Alert
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a detect.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		// Reports and missing-window alerts honour the published schema too.
		if err := testkit.ValidAlert(sc.Bytes()); err != nil {
			t.Errorf("document outside deploy/schema/alert.schema.json: %v", err)
		}
		alerts = append(alerts, a)
	}
	return alerts
}

// wantVerdict checks every alert for the scanner's verdict.
func wantVerdict(t *testing.T, alerts []detect.Alert, suppressed bool, allow *detect.Allowlist) {
	t.Helper()
	for _, a := range alerts {
		if a.Source.IP != "198.18.0.10" {
			t.Errorf("alert for %s", a.Source.IP)
		}
		p := a.Portsnare
		if p.Suppressed != suppressed || !reflect.DeepEqual(p.Allowlist, allow) {
			t.Errorf("%s alert: suppressed=%v allowlist=%+v, want suppressed=%v allowlist=%+v", p.Phase, p.Suppressed, p.Allowlist, suppressed, allow)
		}
	}
}

// TestReplayAllowlist: an allowlisted scan is detected as before and every
// alert is suppressed, naming the rule; a scan outside the rule's ports or
// schedule is a normal alert naming the rule it exceeded.
func TestReplayAllowlist(t *testing.T) {
	plain := replayAlerts(t)
	wantVerdict(t, plain, false, nil)

	covered := func(extra string) string {
		return writeFile(t, "portsnare.yaml", "allowlist:\n  rules:\n    - name: nessus\n      sources: [198.18.0.0/24]\n"+extra)
	}
	suppressed := &detect.Allowlist{Rule: "nessus"}
	exceeded := &detect.Allowlist{Rule: "nessus", Exceeded: true}
	for _, c := range []struct {
		name       string
		extra      string
		suppressed bool
		allow      *detect.Allowlist
	}{
		{"covered", "", true, suppressed},
		{"in its targets, ports and window", "      targets: [198.18.0.2]\n      ports: [tcp]\n      schedule: {weekly: [\"Sun 07:00-09:00\"]}\n", true, suppressed},
		{"ports 1-10 only", "      ports: [tcp/1-10]\n", false, exceeded},
		{"other targets", "      targets: [198.18.1.0/24]\n", false, exceeded},
		{"outside the weekly window", "      schedule: {timezone: Europe/Berlin, weekly: [\"Tue 02:00-05:00\"]}\n", false, exceeded},
		{"before from", "      schedule: {from: 2026-11-30}\n", false, exceeded},
		{"expired", "      expires: 2026-11-28\n", false, exceeded},
	} {
		t.Run(c.name, func(t *testing.T) {
			alerts := replayAlerts(t, "-c", covered(c.extra))
			wantVerdict(t, alerts, c.suppressed, c.allow)
			if len(alerts) != len(plain) {
				t.Errorf("%d alerts, want %d as without the allowlist: suppressed, never dropped", len(alerts), len(plain))
			}
			for i := range min(len(alerts), len(plain)) {
				if alerts[i].Event.ID != plain[i].Event.ID || alerts[i].Portsnare.Scan.Ports != plain[i].Portsnare.Scan.Ports {
					t.Errorf("alert %d differs from the plain replay's beyond the verdict", i)
				}
			}
		})
	}
}

// TestReplayAllowlistFileAndEnvironment: rules come from allowlist.file
// (here through --allowlist) and from PORTSNARE_ALLOWLIST_RULES as YAML.
func TestReplayAllowlistFileAndEnvironment(t *testing.T) {
	file := writeFile(t, "allowlist.yaml", "rules:\n  - {name: from-file, sources: [198.18.0.10]}\n")
	wantVerdict(t, replayAlerts(t, "--allowlist", file), true, &detect.Allowlist{Rule: "from-file"})

	t.Setenv("PORTSNARE_ALLOWLIST_RULES", `[{name: from-env, sources: ["198.18.0.10"], ports: ["udp"]}]`)
	wantVerdict(t, replayAlerts(t), false, &detect.Allowlist{Rule: "from-env", Exceeded: true})
}

// TestCheckConfigReportsAllowlistProblems: problems of inline rules, of the
// rules file and of the rest come in one report, each naming its rule,
// field and value.
func TestCheckConfigReportsAllowlistProblems(t *testing.T) {
	rules := writeFile(t, "allowlist.yaml", "rules:\n  - {name: qualys, sources: [10.0.0.1], ports: [tcp/99999]}\n  - {name: nessus, sources: [10.0.0.2]}\n")
	path := writeFile(t, "bad.yaml", `
detect:
  shards: 0
allowlist:
  file: `+rules+`
  rules:
    - name: nessus
      sources: [10.0.0.5, 10.0.0.300]
      schedule: {timezone: Mars/Olympus, weekly: [Tue 02:00-05:00]}
    - name: inventory
      sources: [10.0.1.0/24]
      source: [10.0.2.0/24]
`)
	code, stdout, stderr := runCLI(t, "check-config", "-c", path)
	if code != exitUsage || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	want := []string{
		`allowlist.rules: rule "inventory": unknown field "source" (did you mean sources?) (in ` + path + ")",
		`allowlist.rules: rule "nessus": sources[1]: "10.0.0.300" is not an IP or CIDR (in ` + path + ")",
		`allowlist.rules: rule "nessus": schedule.timezone: "Mars/Olympus" is not an IANA time zone`,
		`allowlist.file: ` + rules + `: rule "qualys": ports[0]: "tcp/99999": port 99999 is out of range (0-65535)`,
		`allowlist.file: ` + rules + `: rules[1]: duplicate name "nessus" (also rules[0] of the main configuration)`,
		"detect.shards must be positive, got 0",
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != len(want) {
		t.Errorf("%d lines, want %d:\n%s", len(lines), len(want), stderr)
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("no line starts with %q; stderr:\n%s", w, stderr)
		}
	}

	code, _, stderr = runCLI(t, "check-config", "--allowlist", "/nonexistent/allowlist.yaml")
	if code != exitUsage || !strings.HasPrefix(stderr, "allowlist.file: open /nonexistent/allowlist.yaml: no such file or directory (from flag --allowlist)") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

// TestCheckConfigAllowlistRoundTrips: --print shows the rules as YAML that
// loads back to the same configuration, and expired rules are warned of.
func TestCheckConfigAllowlistRoundTrips(t *testing.T) {
	const file = `
allowlist:
  rules:
    - name: nessus
      comment: "weekly scan: \"PCI\""
      sources: [10.0.0.5, "2001:db8::/64"]
      ports: [tcp/1-1024, icmp]
      schedule: {timezone: Europe/Berlin, weekly: ["Tue 02:00-05:00"], from: "2026-11-01 02:00", until: 2026-12-01}
    - name: old
      sources: [10.0.0.6]
      expires: 2020-01-01
`
	path := writeFile(t, "ok.yaml", file)
	code, printed, stderr := runCLI(t, "check-config", "-c", path, "--print")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, `warning: allowlist rule "old" expired at 2020-01-02T00:00:00Z`) {
		t.Errorf("stderr %q", stderr)
	}
	fromFile, err := load(t, file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := load(t, printed)
	if err != nil {
		t.Fatalf("%v\n%s", err, printed)
	}
	if !reflect.DeepEqual(got.Allowlist, fromFile.Allowlist) || len(got.Allowlist.Rules) != 2 {
		t.Errorf("--print gives\n%+v\nwant\n%+v\nprinted:\n%s", got.Allowlist, fromFile.Allowlist, printed)
	}
	if got.Allowlist.Rules[0].Schedule.Until != "2026-12-01" {
		t.Errorf("a date read by YAML as a time is printed back as %q", got.Allowlist.Rules[0].Schedule.Until)
	}
}

// TestReplayAllowlistUnionOfRules: two rules cover the scanner, one for
// ports 1-100 and one for the rest; the scan stays within their union, so
// it is suppressed.
func TestReplayAllowlistUnionOfRules(t *testing.T) {
	path := writeFile(t, "portsnare.yaml", `
allowlist:
  rules:
    - {name: low, sources: [198.18.0.10], ports: [tcp/1-100]}
    - {name: high, sources: [198.18.0.10], ports: [tcp/101-65535]}
`)
	wantVerdict(t, replayAlerts(t, "-c", path), true, &detect.Allowlist{Rule: "low"})
}
