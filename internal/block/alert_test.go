package block

import (
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// Sensors may publish ECS or OCSF (output.format); the blocker reads
// what decisions need from both alike.
func TestDecodeAlertBothFormats(t *testing.T) {
	src := &detect.Alert{Timestamp: t0, Event: detect.Event{Kind: "alert", ID: "id-7", Action: detect.ActionHoneyport, Start: t0, End: t0}}
	src.Source.IP = "198.18.0.10"
	src.Portsnare = detect.PortsnareData{Phase: detect.PhaseStart, Episode: "ep-7", Suppressed: true,
		Allowlist: &detect.Allowlist{Rule: "inventory", Flagged: true}, Honeyport: &detect.HoneyportData{Port: 23, Protocol: "tcp", Spoofable: true}}
	for _, f := range []render.Format{render.ECS, render.OCSF} {
		doc, err := render.Render(src, f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeAlert(doc)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !a.Timestamp.Equal(t0) || a.Event.Kind != "alert" || a.Event.ID != "id-7" || a.Event.Action != "honeyport" ||
			a.Source.IP != "198.18.0.10" || a.Portsnare.Phase != "start" || !a.Portsnare.Suppressed ||
			a.Portsnare.Honeyport == nil || !a.Portsnare.Honeyport.Spoofable {
			t.Errorf("%s: decoded %+v", f, a)
		}
	}
	if _, err := DecodeAlert([]byte("not json")); err == nil {
		t.Fatal("undecodable document accepted")
	}
}
