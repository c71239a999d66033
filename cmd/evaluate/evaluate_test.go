package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// alert is a minimal alert for fake episodes.
func alert(phase detect.Phase, action detect.Action, src string, contacts uint32, tool string, sources ...string) *detect.Alert {
	a := &detect.Alert{Source: detect.Endpoint{IP: src}}
	a.Event.Action = action
	a.Portsnare.Phase = phase
	a.Portsnare.Scan = detect.ScanData{Technique: "syn", Contacts: contacts, Tool: tool, Sources: sources}
	return a
}

func ep(action detect.Action, src string, startContacts uint32, tool string, sources ...string) *episode {
	return &episode{
		start: alert(detect.PhaseStart, action, src, startContacts, tool, sources...),
		end:   alert(detect.PhaseEnd, action, src, 10*startContacts, tool, sources...),
		named: append([]string{src}, sources...),
	}
}

func scanCap(class string, exp *expect, scanners ...string) capture {
	return capture{label: label{File: "x.pcap", Class: class, Label: "scan", Scanners: scanners, Expect: exp}, name: "d/x.pcap"}
}

func TestScore(t *testing.T) {
	c := scanCap("tool", &expect{Action: "portsweep", Tool: "zmap"}, "10.0.0.1", "10.0.0.2", "10.0.0.3")
	r := score(c, []*episode{
		ep("pingsweep", "10.0.0.1", 7, ""),
		ep("portsweep", "10.0.0.1", 9, "zmap"),
		ep("portsweep", "10.0.0.2", 5, ""),
		ep("distributed-portscan", "10.0.0.9", 4, "", "10.0.0.3", "10.0.0.8"),
	}, nil)
	if !slices.Equal(r.missed, nil) || !slices.Equal(r.others, []string{"10.0.0.8", "10.0.0.9"}) {
		t.Errorf("missed %v, others %v", r.missed, r.others)
	}
	// Delays come from the first episode naming each scanner.
	if !slices.Equal(r.delays, []int{7, 5, 4}) {
		t.Errorf("delays %v", r.delays)
	}
	// .1 has a matching episode; .2 lacks the tool; .3's only episode
	// differs in action and tool.
	want := []string{
		"10.0.0.2 tool: want zmap, got -",
		"10.0.0.3 action: want portsweep, got distributed-portscan",
		"10.0.0.3 tool: want zmap, got -",
	}
	if !slices.Equal(r.mismatches, want) {
		t.Errorf("mismatches %q", r.mismatches)
	}
	if r.failed() {
		t.Error("every scanner named, yet failed")
	}

	miss := score(scanCap("tool", nil, "10.0.0.1", "10.0.0.5"), []*episode{ep("portscan", "10.0.0.1", 3, "")}, nil)
	if !slices.Equal(miss.missed, []string{"10.0.0.5"}) || !miss.failed() || !strings.HasPrefix(miss.verdict(), "MISSED 10.0.0.5") {
		t.Errorf("missed scanner: %+v %q", miss.missed, miss.verdict())
	}

	benign := capture{label: label{File: "b.pcap", Class: "p2p", Label: "hard-benign"}}
	if r := score(benign, nil, nil); r.failed() || r.verdict() != "quiet" {
		t.Errorf("quiet benign: %q", r.verdict())
	}
	if r := score(benign, []*episode{ep("portsweep", "10.0.0.7", 5, "")}, nil); !r.failed() || r.verdict() != "FALSE POSITIVE" {
		t.Errorf("alerted benign: %q", r.verdict())
	}
	if r := score(benign, nil, errors.New("damaged")); !r.failed() {
		t.Error("a replay error must fail")
	}
}

func TestSummarize(t *testing.T) {
	rs := []result{
		score(scanCap("b", nil, "10.0.0.1"), []*episode{ep("portscan", "10.0.0.1", 4, "")}, nil),
		score(scanCap("b", nil, "10.0.0.1"), []*episode{ep("portscan", "10.0.0.1", 9, "")}, nil),
		score(scanCap("b", nil, "10.0.0.1"), nil, nil),
		score(capture{label: label{Class: "a", Label: "benign"}}, []*episode{ep("pingsweep", "10.0.0.2", 0, "")}, nil),
		score(capture{label: label{Class: "a", Label: "benign"}}, nil, nil),
	}
	classes, all := summarize(rs)
	if len(classes) != 2 || classes[0].class != "a" || classes[1].class != "b" {
		t.Fatalf("classes %+v", classes)
	}
	if got := strings.Join(classes[1].row(), "|"); got != "b|2/3|-|6.5|9|0|0" {
		t.Errorf("class b: %s", got)
	}
	if got := strings.Join(classes[0].row(), "|"); got != "a|-|1/2|-|-|0|0" {
		t.Errorf("class a: %s", got)
	}
	if got := strings.Join(all.row(), "|"); got != "all|2/3|1/2|6.5|9|0|0" {
		t.Errorf("all: %s", got)
	}
}

// writeLabels writes a labels.json into a new directory named name.
func writeLabels(t *testing.T, name string, labels any) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(labels)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "labels.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRun(t *testing.T) {
	// One directory in the shared format (no class), one in the corpus's.
	shared := writeLabels(t, "pcaps", []map[string]any{
		{"file": "scan.pcap", "label": "scan", "scanners": []string{"10.0.0.1"}, "origin": "x"},
		{"file": "benign.pcap", "label": "benign"},
	})
	corpus := writeLabels(t, "synthetic", []map[string]any{
		{"file": "z.pcap", "class": "tool", "label": "scan", "scanners": []string{"10.0.0.3"},
			"expect": map[string]string{"tool": "zmap"}, "description": "d"},
	})
	fake := func(path string) ([]*episode, error) {
		switch filepath.Base(path) {
		case "scan.pcap":
			return []*episode{ep("portscan", "10.0.0.1", 6, "")}, nil
		case "z.pcap":
			return []*episode{ep("portsweep", "10.0.0.3", 12, "zmap")}, nil
		}
		return nil, nil
	}
	var out, errOut bytes.Buffer
	if code := run([]string{shared, corpus}, &out, &errOut, fake); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	for _, want := range []string{"pcaps/benign.pcap", "pcaps/scan.pcap", "synthetic/z.pcap",
		"recall: 2 of 2 labelled scanners flagged; benign captures with alerts: 0 of 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Captures in directory order, each directory sorted by file name.
	if i, j := strings.Index(out.String(), "pcaps/benign.pcap"), strings.Index(out.String(), "synthetic/z.pcap"); i > j {
		t.Error("captures out of order")
	}

	out.Reset()
	if code := run([]string{"-markdown", shared, corpus}, &out, &errOut, fake); code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := "| class | scans detected | benign alerted | delay median | delay max | expectation mismatches | other sources named |\n" +
		"|---|---|---|---|---|---|---|\n" +
		"| pcaps | 1/1 | 0/1 | 6 | 6 | 0 | 0 |\n" +
		"| tool | 1/1 | - | 12 | 12 | 0 | 0 |\n" +
		"| **all** | **2/2** | **0/1** | **9** | **12** | **0** | **0** |\n"
	if out.String() != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", out.String(), want)
	}

	// A benign capture that alerts makes the exit status 1.
	noisy := func(path string) ([]*episode, error) {
		eps, err := fake(path)
		if filepath.Base(path) == "benign.pcap" {
			eps = []*episode{ep("pingsweep", "10.0.0.9", 3, "")}
		}
		return eps, err
	}
	if code := run([]string{shared}, &out, &errOut, noisy); code != 1 {
		t.Errorf("exit %d for a false positive", code)
	}
}

func TestRunBadLabels(t *testing.T) {
	dir := writeLabels(t, "bad", []map[string]any{
		{"file": "a.pcap", "label": "scan"},
		{"file": "b.pcap", "label": "maybe"},
		{"file": "c.pcap", "label": "scan", "scanners": []string{"not-an-address"}},
	})
	var out, errOut bytes.Buffer
	if code := run([]string{dir}, &out, &errOut, replayEngine); code != 2 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"a.pcap", "b.pcap", "c.pcap"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %s: %s", want, errOut.String())
		}
	}
	if code := run(nil, &out, &errOut, replayEngine); code != 2 {
		t.Errorf("exit %d without directories", code)
	}
}

// TestReplayCorpus runs evaluate for real on two captures of the synthetic
// corpus. Detection results belong to the engine's own tests; this checks
// that the captures replay and every table is there.
func TestReplayCorpus(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "corpus", "synthetic")
	dir := t.TempDir()
	for _, f := range []string{"masscan-1.3.9-portscan.pcap.gz", "p2p-skype.pcap.gz"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	labels := `[{"file": "masscan-1.3.9-portscan.pcap.gz", "class": "tool", "label": "scan",
	  "scanners": ["198.18.73.9"], "expect": {"tool": "masscan"}},
	 {"file": "p2p-skype.pcap.gz", "class": "p2p", "label": "benign", "scanners": []}]`
	if err := os.WriteFile(filepath.Join(dir, "labels.json"), []byte(labels), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{dir}, &out, &errOut, replayEngine)
	if code == 2 || errOut.Len() > 0 || strings.Contains(out.String(), "ERROR") {
		t.Fatalf("exit %d, stderr %q, output:\n%s", code, errOut.String(), out.String())
	}
	for _, want := range []string{"masscan-1.3.9-portscan.pcap.gz", "p2p-skype.pcap.gz", "\ntool ", "\np2p ", "\nall ", "recall:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	var again bytes.Buffer
	run([]string{dir}, &again, &errOut, replayEngine)
	if again.String() != out.String() {
		t.Error("two runs printed different output")
	}
}
