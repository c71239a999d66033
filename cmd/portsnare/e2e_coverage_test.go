//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

// TestE2ECoverageReport: a rule whose window is open while nmap scans half
// of its /28 of targets. When the window closes, the live sensor publishes
// a report whose coverage is what nmap was told to scan — 8 of 16 hosts,
// its three ports — and `portsnare allowlist report` reads it back from
// the sensor's embedded NATS server.
func TestE2ECoverageReport(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	b := newBed(t, 93)
	isolateNATS(t)
	listen := freeFixedPort(t)
	t.Setenv("PORTSNARE_NATS_LISTEN", listen)
	b.addTargets(16, 19) // four of the rule's targets answer
	scanner := b.client(130)

	// The window opens once the sensor is watching and closes after the
	// scan: from/until to the second, in UTC.
	from := time.Now().UTC().Add(10 * time.Second).Truncate(time.Second)
	until := from.Add(30 * time.Second)
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "allowlist.yaml")
	rules := fmt.Sprintf(`rules:
  - name: pci-weekly
    sources: [%s]
    targets: [%s.16/28]
    ports: ["tcp/22,80,443"]
    schedule: {from: "%s", until: "%s"}
`, b.addr(130), b.net, from.Format(time.RFC3339), until.Format(time.RFC3339))
	if err := os.WriteFile(rulesFile, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTSNARE_ALLOWLIST_FILE", rulesFile)

	sens := startSensor(t, b.bridge)
	time.Sleep(time.Until(from) + time.Second)
	b.in(scanner, 25*time.Second, "nmap", "-n", "-sS", "-Pn", "-p", "22,80,443", b.net+".16/29")
	isReport := func(l []byte) bool { return bytes.Contains(l, []byte(`"authorized-scan-report"`)) }
	if !sens.waitLine(time.Until(until)+20*time.Second, isReport) {
		t.Fatalf("no coverage report after the window closed; output:\n%s\n%s", sens.out.String(), sens.errOut.String())
	}

	code, stdout, stderr := runCLI(t, "allowlist", "report", "--nats", "nats://"+listen)
	if code != exitOK {
		t.Fatalf("allowlist report: exit %d: %s", code, stderr)
	}
	var reports []publish.Message
	var d *detect.AuditData
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a detect.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.Portsnare.Audit == nil {
			t.Fatalf("allowlist report line %q: %v", sc.Text(), err)
		}
		d = a.Portsnare.Audit
		reports = append(reports, publish.Message{Data: bytes.Clone(sc.Bytes())})
	}
	if len(reports) != 1 {
		t.Fatalf("allowlist report printed %d reports, want 1:\n%s", len(reports), stdout)
	}
	if d.Rule != "pci-weekly" || d.Result != detect.AuditRan || d.Partial || d.Open ||
		!d.WindowStart.Equal(from) || !d.WindowEnd.Equal(until) {
		t.Errorf("report %+v: want pci-weekly ran, the whole window %s to %s", d, from, until)
	}
	c := d.Coverage
	if c == nil || c.Targets != 16 || c.Reached != 8 || !c.Exact || c.Percent != 50 {
		t.Fatalf("coverage %+v, want 8 of 16 targets (nmap scanned %s.16/29)", c, b.net)
	}
	var unreached []string
	for i := 24; i < 32; i++ {
		unreached = append(unreached, b.addr(i))
	}
	if !reflect.DeepEqual(c.UnreachedSample, unreached) {
		t.Errorf("unreached %v, want %v", c.UnreachedSample, unreached)
	}
	if !reflect.DeepEqual(d.PortsSample, []uint16{22, 80, 443}) || !reflect.DeepEqual(d.Sources, []string{b.addr(130)}) || d.OutOfScope != 0 {
		t.Errorf("ports %v sources %v out of scope %d: want 22, 80, 443 from %s, none out of scope",
			d.PortsSample, d.Sources, d.OutOfScope, b.addr(130))
	}
	// On a terminal the same report is a table row.
	var table bytes.Buffer
	if err := printCoverage(&table, reports); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "RULE pci-weekly") || !strings.Contains(table.String(), "50.0% (8/16)") {
		t.Errorf("table:\n%s", table.String())
	}
	sens.finish()
}
