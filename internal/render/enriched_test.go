package render

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// enriched is an alert as the enricher leaves it: placed, routed, on a
// list, with its direction and sub-technique.
func enriched() *detect.Alert {
	return &detect.Alert{
		Message: "SYN portscan: 203.0.113.7 probed 20 ports on 10.0.0.2",
		Event: detect.Event{Kind: "alert", ID: "0123456789abcdef0123456789abcdef", Action: detect.ActionPortscan,
			Category: []string{"network"}, Type: []string{"info"}, Severity: 3},
		Source: detect.Endpoint{IP: "203.0.113.7",
			Geo: &detect.Geo{CountryISOCode: "DE", CountryName: "Germany", ContinentName: "Europe", CityName: "Berlin",
				RegionName: "Land Berlin", Location: &detect.GeoPoint{Lat: 52.52, Lon: 13.405}},
			AS: &detect.AS{Number: 64500, Organization: &detect.ASOrganization{Name: "Example Transit"}}},
		Destination: &detect.Endpoint{IP: "10.0.0.2"},
		Related:     detect.Related{IP: []string{"203.0.113.7", "10.0.0.2"}},
		Network:     detect.Network{Transport: "tcp", Direction: "inbound"},
		Rule:        detect.Rule{Name: "Vertical port scan"},
		Threat: detect.Threat{Framework: "MITRE ATT&CK",
			Tactic: &detect.ThreatTactic{ID: []string{"TA0043"}, Name: []string{"Reconnaissance"}},
			Technique: detect.ThreatTechnique{ID: []string{"T1595"}, Name: []string{"Active Scanning"},
				Subtechnique: &detect.ThreatSubtechnique{ID: []string{"T1595.002"}, Name: []string{"Vulnerability Scanning"}}}},
		Observer: detect.Observer{Type: "ids", Product: "portsnare", Hostname: "s1"},
		Portsnare: detect.PortsnareData{Phase: detect.PhaseStart, Episode: "e", ScannerList: []string{"research"},
			Scan: detect.ScanData{Technique: "syn", Order: "random", Reason: "failed-contacts",
				PortsSample: []uint16{22}, HostsSample: []string{"10.0.0.2"}}},
	}
}

// The enrichment fields are in the contract, and OCSF carries them in its
// own objects: location, autonomous system, direction, sub-technique.
func TestEnrichedAlertRendered(t *testing.T) {
	a := enriched()
	ecs, err := Render(a, ECS)
	if err != nil {
		t.Fatal(err)
	}
	if err := testkit.ValidAlert(ecs); err != nil {
		t.Error(err)
	}
	out, err := Render(a, OCSF)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	ev := dig(d, "evidences").([]any)[0].(map[string]any)
	for path, want := range map[string]any{
		"src_endpoint.location.country":         "DE",
		"src_endpoint.location.city":            "Berlin",
		"src_endpoint.location.lat":             52.52,
		"src_endpoint.location.long":            13.405,
		"src_endpoint.autonomous_system.number": float64(64500),
		"src_endpoint.autonomous_system.name":   "Example Transit",
		"connection_info.direction_id":          float64(1),
		"connection_info.direction":             "Inbound",
	} {
		if got := digDots(ev, path); !reflect.DeepEqual(got, want) {
			t.Errorf("evidences[0].%s = %v, want %v", path, got, want)
		}
	}
	attack := dig(d, "finding_info", "attacks").([]any)[0].(map[string]any)
	if got := digDots(attack, "sub_technique.uid"); got != "T1595.002" {
		t.Errorf("sub_technique %v", got)
	}
	if got := digDots(attack, "tactic.uid"); got != "TA0043" {
		t.Errorf("tactic %v", got)
	}
	if got := dig(d, "unmapped", "portsnare", "scanner_list"); !reflect.DeepEqual(got, []any{"research"}) {
		t.Errorf("unmapped.portsnare.scanner_list %v", got)
	}
}

func digDots(m map[string]any, path string) any {
	var v any = m
	start := 0
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' {
			mm, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = mm[path[start:i]]
			start = i + 1
		}
	}
	return v
}
