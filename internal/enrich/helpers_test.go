package enrich

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// cityRecords places two networks as GeoLite2-City does; 198.18.0.0/24 has
// no city and no location.
var cityRecords = map[string]map[string]any{
	"203.0.113.0/24": {
		"continent": map[string]any{"code": "EU", "names": map[string]any{"en": "Europe", "de": "Europa"}},
		"country":   map[string]any{"iso_code": "DE", "names": map[string]any{"en": "Germany", "de": "Deutschland"}},
		"subdivisions": []any{
			map[string]any{"iso_code": "BE", "names": map[string]any{"en": "Land Berlin"}},
		},
		"city":     map[string]any{"names": map[string]any{"en": "Berlin"}},
		"postal":   map[string]any{"code": "10115"},
		"location": map[string]any{"latitude": 52.52, "longitude": 13.405, "time_zone": "Europe/Berlin"},
	},
	"198.18.0.0/24": {
		"country": map[string]any{"iso_code": "NL", "names": map[string]any{"en": "Netherlands"}},
	},
	"2001:db8:1::/48": {
		"country":  map[string]any{"iso_code": "JP", "names": map[string]any{"en": "Japan"}},
		"location": map[string]any{"latitude": 35.69, "longitude": 139.69},
	},
}

var asnRecords = map[string]map[string]any{
	"203.0.113.0/24": {"autonomous_system_number": uint32(64500), "autonomous_system_organization": "Example Transit"},
	"198.18.0.0/15":  {"autonomous_system_number": uint32(64511)},
}

// writeDB writes a database to dir/name and returns its path.
func writeDB(t testing.TB, dir, name, dbType string, recs map[string]map[string]any) string {
	t.Helper()
	path := filepath.Join(dir, name)
	testkit.MMDB(t, path, dbType, recs)
	return path
}

// writeFile writes text to dir/name (replacing it by rename, as a careful
// writer does) and returns its path.
func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// alert is a portscan alert from src to dst (dst empty: no destination,
// hosts in the sample).
func alert(action detect.Action, src, dst string, hosts ...string) *detect.Alert {
	a := &detect.Alert{
		Event:  detect.Event{Kind: "alert", Action: action},
		Source: detect.Endpoint{IP: src},
		Threat: detect.Threat{Framework: "MITRE ATT&CK", Technique: detect.ThreatTechnique{ID: []string{"T1046"}, Name: []string{"Network Service Discovery"}}},
	}
	if dst != "" {
		a.Destination = &detect.Endpoint{IP: dst}
	}
	a.Portsnare.Scan.HostsSample = hosts
	return a
}

func mustNew(t *testing.T, cfg Config) *Enricher {
	t.Helper()
	e, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
