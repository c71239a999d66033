//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// TestE2EAllowlistInRun: real nmap scans from allowlisted addresses against
// `portsnare run`. In scope: suppressed alerts only, naming the rule.
// Beyond the allowed ports or outside the schedule: normal alerts naming the
// rule exceeded. An edit of the rules file while running changes the verdict
// for the next episode.
func TestE2EAllowlistInRun(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	b := newBed(t, 79)
	isolateNATS(t)
	target := b.addr(1)
	inScope, beyond, offHours, later := b.client(130), b.client(131), b.client(132), b.client(133)
	// A weekly window on a day other than today: outside the schedule.
	otherDay := time.Now().UTC().Add(72 * time.Hour).Weekday().String()[:3]
	rules := func(laterCovered bool) string {
		s := fmt.Sprintf(`rules:
  - name: vuln-scanner
    sources: [%s]
    ports: [tcp/1-1024]
  - name: narrow
    sources: [%s]
    ports: [tcp/1-10]
  - name: maintenance
    sources: [%s]
    schedule:
      timezone: UTC
      weekly: ["%s 02:00-03:00"]
`, b.addr(130), b.addr(131), b.addr(132), otherDay)
		if laterCovered {
			s += fmt.Sprintf("  - name: added-later\n    sources: [%s]\n", b.addr(133))
		}
		return s
	}
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "allowlist.yaml")
	if err := os.WriteFile(rulesFile, []byte(rules(false)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTSNARE_ALLOWLIST_FILE", rulesFile)
	t.Setenv("PORTSNARE_DETECT_END_AFTER", "3s") // episodes end soon after each scan

	sens := startSensor(t, b.bridge)
	scan := func(ns string) {
		b.in(ns, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "-p", "1-100", target)
	}
	scan(inScope)
	scan(beyond)
	scan(offHours)
	scan(later)
	time.Sleep(5 * time.Second) // the first episode from .133 ends
	if err := os.WriteFile(rulesFile+".new", []byte(rules(true)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(rulesFile+".new", rulesFile); err != nil { // as editors save
		t.Fatal(err)
	}
	time.Sleep(4 * time.Second) // the watcher (or the poll) reloads
	scan(later)
	time.Sleep(3 * time.Second)
	alerts := sens.finish()

	type verdict struct{ suppressed, exceeded int }
	got := map[string][]verdict{} // source -> per episode, in order
	episode := map[string]int{}
	for _, a := range alerts {
		if a.Portsnare.Audit != nil {
			continue // the rules' coverage reports, one per scan of an unscheduled rule
		}
		if a.Portsnare.Phase == detect.PhaseStart {
			episode[a.Source.IP] = len(got[a.Source.IP])
			got[a.Source.IP] = append(got[a.Source.IP], verdict{})
		}
		v := &got[a.Source.IP][episode[a.Source.IP]]
		switch {
		case a.Portsnare.Suppressed:
			v.suppressed++
		case a.Portsnare.Allowlist != nil && a.Portsnare.Allowlist.Exceeded:
			v.exceeded++
		default:
			v.exceeded -= 100 // a normal alert that names no rule
		}
	}
	check := func(src string, want []string) {
		t.Helper()
		if len(got[src]) != len(want) {
			t.Fatalf("%s: %d episodes %v, want %d", src, len(got[src]), got[src], len(want))
		}
		for i, w := range want {
			v := got[src][i]
			switch w {
			case "suppressed":
				if v.suppressed == 0 || v.exceeded != 0 {
					t.Errorf("%s episode %d: %+v, want suppressed alerts only", src, i, v)
				}
			case "exceeded":
				if v.exceeded <= 0 {
					t.Errorf("%s episode %d: %+v, want the end summary to name the exceeded rule", src, i, v)
				}
			case "normal":
				if v.suppressed != 0 || v.exceeded >= 0 {
					t.Errorf("%s episode %d: %+v, want normal alerts", src, i, v)
				}
			}
		}
	}
	check(b.addr(130), []string{"suppressed"})
	check(b.addr(131), []string{"exceeded"})
	check(b.addr(132), []string{"exceeded"})
	check(b.addr(133), []string{"normal", "suppressed"})
}
