package sensor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor"
)

var update = flag.Bool("update", false, "rewrite testdata/*/alerts.golden.jsonl from the current output")

// expectation is a case's hand-written detection spec (testdata/<case>/expect.json):
// what an analyst must see, independent of the exact golden output.
type expectation struct {
	Description string `json:"description"`
	// Episodes lists every episode the capture must raise, and no others.
	Episodes []struct {
		Action    string   `json:"action"`
		Source    string   `json:"source"`
		Technique string   `json:"technique"`
		Order     string   `json:"order,omitempty"`
		Tool      string   `json:"tool,omitempty"`
		Sources   []string `json:"sources,omitempty"`
	} `json:"episodes"`
	// Seen is the least the engine must count in the capture: probes, and
	// replies that told a first contact's outcome. A case that expects no
	// episode must give it, so that a capture that yields nothing to the
	// engine cannot pass for quiet traffic.
	Seen *struct {
		Probes  uint64 `json:"probes"`
		Replies uint64 `json:"replies"`
	} `json:"seen,omitempty"`
}

// TestGolden replays every capture under testdata/ and checks its alerts
// against the case's expectation and, byte for byte, its golden file.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("../testdata/*/input.pcap")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases found (%v)", err)
	}
	for _, in := range cases {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var exp expectation
			raw, err := os.ReadFile(filepath.Join(dir, "expect.json"))
			if err != nil {
				t.Fatalf("every case needs an expect.json: %v", err)
			}
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatalf("expect.json: %v", err)
			}
			cfg := detect.DefaultConfig()
			cfg.Sensor = "golden"
			var alerts []*detect.Alert
			st, err := sensor.Replay(context.Background(), sensor.ReplayOptions{
				Files: []string{in}, Engine: cfg,
				Alerts: func(a *detect.Alert) { alerts = append(alerts, a) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if st.Decode.DecodeErrors != 0 {
				t.Errorf("%d decode errors in a capture recorded by the project", st.Decode.DecodeErrors)
			}
			checkSeen(t, exp, st.Engine)
			checkExpectation(t, exp, alerts)
			checkGolden(t, filepath.Join(dir, "alerts.golden.jsonl"), alerts)
		})
	}
}

func checkSeen(t *testing.T, exp expectation, st detect.Stats) {
	t.Helper()
	if exp.Seen == nil {
		if len(exp.Episodes) == 0 {
			t.Fatal(`a case that expects no episode needs "seen" in its expect.json: the probes and replies its traffic must give the engine`)
		}
		return
	}
	if st.Probes < exp.Seen.Probes || st.RepliesMatched < exp.Seen.Replies {
		t.Errorf("the engine counted %d probes and %d replies that told an outcome; the capture must give at least %d and %d",
			st.Probes, st.RepliesMatched, exp.Seen.Probes, exp.Seen.Replies)
	}
}

func checkExpectation(t *testing.T, exp expectation, alerts []*detect.Alert) {
	t.Helper()
	starts, ends := map[string]int{}, map[string]*detect.Alert{}
	for _, a := range alerts {
		switch a.Portsnare.Phase {
		case detect.PhaseStart:
			starts[a.Portsnare.Episode]++
		case detect.PhaseEnd:
			if ends[a.Portsnare.Episode] != nil {
				t.Errorf("episode %s ended twice", a.Portsnare.Episode)
			}
			ends[a.Portsnare.Episode] = a
		}
	}
	for ep, n := range starts {
		if n != 1 || ends[ep] == nil {
			t.Errorf("episode %s: %d starts, ended %v; want one of each", ep, n, ends[ep] != nil)
		}
	}
	if len(ends) != len(exp.Episodes) {
		for _, a := range ends {
			t.Logf("got: %s", a.Message)
		}
		t.Fatalf("%d episodes, want %d (%s)", len(ends), len(exp.Episodes), exp.Description)
	}
	for _, want := range exp.Episodes {
		var got *detect.Alert
		for _, a := range ends {
			if string(a.Event.Action) == want.Action && a.Source.IP == want.Source {
				got = a
			}
		}
		if got == nil {
			t.Errorf("no %s episode from %s", want.Action, want.Source)
			continue
		}
		sc := got.Portsnare.Scan
		if sc.Technique != want.Technique || (want.Order != "" && sc.Order != want.Order) || sc.Tool != want.Tool {
			t.Errorf("%s from %s: technique %q order %q tool %q; want %q %q %q",
				want.Action, want.Source, sc.Technique, sc.Order, sc.Tool, want.Technique, want.Order, want.Tool)
		}
		if want.Sources != nil {
			got := slices.Clone(sc.Sources)
			sort.Strings(got)
			w := slices.Clone(want.Sources)
			sort.Strings(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s sources %v, want %v", want.Action, got, w)
			}
		}
	}
}

func checkGolden(t *testing.T, path string, alerts []*detect.Alert) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, a := range alerts {
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sensor -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		gl, wl := bytes.Split(buf.Bytes(), []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w []byte
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if !bytes.Equal(g, w) {
				t.Fatalf("alerts differ from %s at line %d:\n got: %s\nwant: %s\n(if the change is intended: go test ./sensor -run TestGolden -update)", path, i+1, g, w)
			}
		}
	}
}
