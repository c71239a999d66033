package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// goldenAlerts returns every alert line of the golden scenarios.
func goldenAlerts(t *testing.T) [][]byte {
	t.Helper()
	files, err := filepath.Glob("../../testdata/*/alerts.golden.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden alerts found (%v)", err)
	}
	var lines [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) > 0 {
				lines = append(lines, bytes.Clone(sc.Bytes()))
			}
		}
	}
	if len(lines) < 20 {
		t.Fatalf("only %d golden alerts", len(lines))
	}
	return lines
}

// TestECSIsTheAlertsJSON: the ECS rendering of an alert is the document
// the golden tests pin, byte for byte, and it satisfies the published
// schema.
func TestECSIsTheAlertsJSON(t *testing.T) {
	for _, line := range goldenAlerts(t) {
		var a detect.Alert
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		got, err := Render(&a, ECS)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, line) {
			t.Fatalf("ECS rendering differs:\n got %s\nwant %s", got, line)
		}
		if err := testkit.ValidAlert(got); err != nil {
			t.Error(err)
		}
	}
}

// TestOCSFDetectionFinding: every golden alert rendered as OCSF carries
// what class 2004 requires (the base event's and the finding's required
// attributes) with the values the schema defines for them.
func TestOCSFDetectionFinding(t *testing.T) {
	for _, line := range goldenAlerts(t) {
		var a detect.Alert
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		out, err := Render(&a, OCSF)
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatal(err)
		}
		num := func(path ...string) float64 {
			v := dig(d, path...)
			n, ok := v.(float64)
			if !ok {
				t.Fatalf("%v: %v is not a number in %s", path, v, out)
			}
			return n
		}
		str := func(path ...string) string {
			s, ok := dig(d, path...).(string)
			if !ok || s == "" {
				t.Fatalf("%v missing or empty in %s", path, out)
			}
			return s
		}
		if num("class_uid") != 2004 || num("category_uid") != 2 {
			t.Fatalf("class/category %v/%v", d["class_uid"], d["category_uid"])
		}
		act := num("activity_id")
		if act < 1 || act > 3 || num("type_uid") != 2004*100+act {
			t.Fatalf("activity %v, type_uid %v", act, d["type_uid"])
		}
		if sev := num("severity_id"); sev < 0 || sev > 6 {
			t.Fatalf("severity_id %v", sev)
		}
		if num("time") != float64(a.Timestamp.UnixMilli()) {
			t.Fatalf("time %v for %s", d["time"], a.Timestamp)
		}
		str("metadata", "version")
		str("metadata", "product", "vendor_name")
		str("metadata", "product", "name")
		if str("finding_info", "uid") != a.Portsnare.Episode {
			t.Fatalf("finding uid %v, episode %s", dig(d, "finding_info", "uid"), a.Portsnare.Episode)
		}
		str("finding_info", "title")
		want := map[detect.Phase]float64{detect.PhaseStart: 1, detect.PhaseUpdate: 2, detect.PhaseEnd: 3}[a.Portsnare.Phase]
		if act != want {
			t.Fatalf("phase %s is activity %v", a.Portsnare.Phase, act)
		}
	}
}

// TestParseFormat: the two formats, the default, and a clear refusal.
func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": ECS, "ecs": ECS, " OCSF ": OCSF} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("%q: %q %v", in, f, err)
		}
	}
	if _, err := ParseFormat("cef"); err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"cef"`)) {
		t.Errorf("cef: %v", err)
	}
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// TestSchemaRefusesWhatBreaksTheContract: the schema is a contract only if
// it can fail — an unknown field, a missing id, a bad address.
func TestSchemaRefusesWhatBreaksTheContract(t *testing.T) {
	line := goldenAlerts(t)[0]
	for name, edit := range map[string]func(map[string]any){
		"unknown field": func(d map[string]any) { d["portsnare"].(map[string]any)["surprise"] = 1 },
		"no event id":   func(d map[string]any) { delete(d["event"].(map[string]any), "id") },
		"bad address":   func(d map[string]any) { d["source"] = map[string]any{"ip": "10.0.0.300"} },
		"bad phase":     func(d map[string]any) { d["portsnare"].(map[string]any)["phase"] = "middle" },
	} {
		var d map[string]any
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatal(err)
		}
		edit(d)
		b, _ := json.Marshal(d)
		if testkit.ValidAlert(b) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDecodeBothFormats: portsnare's readers get the same alert back from
// either format (OCSF keeps times to the millisecond).
func TestDecodeBothFormats(t *testing.T) {
	for _, line := range goldenAlerts(t) {
		var want detect.Alert
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatal(err)
		}
		for _, f := range []Format{ECS, OCSF} {
			doc, err := Render(&want, f)
			if err != nil {
				t.Fatal(err)
			}
			got, format, err := Decode(doc)
			if err != nil || format != f {
				t.Fatalf("%s: format %q, %v", f, format, err)
			}
			if f == OCSF {
				ms := func(t time.Time) time.Time { return t.Truncate(time.Millisecond) }
				w := want
				w.Timestamp, w.Event.Start, w.Event.End = ms(w.Timestamp), ms(w.Event.Start), ms(w.Event.End)
				if !reflect.DeepEqual(*got, w) {
					t.Fatalf("OCSF round trip:\n got %+v\nwant %+v", *got, w)
				}
				continue
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("ECS round trip differs")
			}
		}
	}
}

// A fleet alert read back from OCSF is still the fleet's: OCSF has no
// observer type, so a tag carries it.
func TestDecodeKeepsFleetObserver(t *testing.T) {
	var a detect.Alert
	if err := json.Unmarshal(goldenAlerts(t)[0], &a); err != nil {
		t.Fatal(err)
	}
	a.Observer.Type, a.Observer.Hostname = "fleet", "corr-1"
	a.Portsnare.Fleet = &detect.FleetData{Sensors: []string{"edge-a", "edge-b"}, Targets: []string{"198.18.1.2"}, TargetsTotal: 1, Records: 6}
	for _, f := range []Format{ECS, OCSF} {
		doc, err := Render(&a, f)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := Decode(doc)
		if err != nil {
			t.Fatal(err)
		}
		if got.Observer.Type != "fleet" || got.Observer.Hostname != "corr-1" || got.Portsnare.Fleet == nil ||
			len(got.Portsnare.Fleet.Sensors) != 2 {
			t.Errorf("%s: read back as observer %+v, fleet %+v", f, got.Observer, got.Portsnare.Fleet)
		}
	}
}
