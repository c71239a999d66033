package enrich

import (
	"testing"

	"github.com/portsnare/portsnare/detect"
)

func TestThreatByDirection(t *testing.T) {
	e := mustNew(t, DefaultConfig())
	type want struct{ tactic, technique, sub string }
	for _, c := range []struct {
		action detect.Action
		src    string
		want   want
	}{
		{detect.ActionPortscan, "203.0.113.5", want{"TA0043", "T1595", "T1595.002"}},
		{detect.ActionOSScan, "203.0.113.5", want{"TA0043", "T1595", "T1595.002"}},
		{detect.ActionIPProtoScan, "203.0.113.5", want{"TA0043", "T1595", "T1595.002"}},
		{detect.ActionDecoyPortscan, "203.0.113.5", want{"TA0043", "T1595", "T1595.002"}},
		{detect.ActionDistributedPortscan, "203.0.113.5", want{"TA0043", "T1595", "T1595.002"}},
		{detect.ActionHoneyport, "203.0.113.5", want{"TA0043", "T1595", "T1595.002"}},
		{detect.ActionPortsweep, "203.0.113.5", want{"TA0043", "T1595", "T1595.001"}},
		{detect.ActionBlockscan, "203.0.113.5", want{"TA0043", "T1595", "T1595.001"}},
		{detect.ActionPingsweep, "203.0.113.5", want{"TA0043", "T1595", "T1595.001"}},
		{"fleet-portsweep", "203.0.113.5", want{"TA0043", "T1595", "T1595.001"}},
		{detect.ActionPortscan, "10.0.0.5", want{"TA0007", "T1046", ""}},
		{detect.ActionPortsweep, "10.0.0.5", want{"TA0007", "T1046", ""}},
		{detect.ActionHoneyport, "fd00::5", want{"TA0007", "T1046", ""}},
		{detect.ActionPingsweep, "192.168.0.5", want{"TA0007", "T1018", ""}},
	} {
		a := alert(c.action, c.src, "10.0.0.1")
		e.Apply(a)
		th := a.Threat
		got := want{technique: th.Technique.ID[0]}
		if th.Tactic != nil {
			got.tactic = th.Tactic.ID[0]
		}
		if th.Technique.Subtechnique != nil {
			got.sub = th.Technique.Subtechnique.ID[0]
		}
		if got != c.want || th.Framework != "MITRE ATT&CK" || len(th.Technique.Name) != 1 {
			t.Errorf("%s from %s: %+v %v, want %+v", c.action, c.src, got, th.Technique.Name, c.want)
		}
	}
}

// A document that is no alert (an audit report) keeps its threat.
func TestThreatOnlyOnAlerts(t *testing.T) {
	e := mustNew(t, DefaultConfig())
	a := alert(detect.ActionPortscan, "203.0.113.5", "10.0.0.1")
	a.Event.Kind = "event"
	e.Apply(a)
	if a.Threat.Technique.ID[0] != "T1046" || a.Network.Direction != DirInbound {
		t.Errorf("threat %v, direction %s", a.Threat.Technique.ID, a.Network.Direction)
	}
}

// An audit report names no source: nothing is added, and no empty network
// object is made for it.
func TestNoSourceNothingAdded(t *testing.T) {
	e := mustNew(t, DefaultConfig())
	a := &detect.Alert{Event: detect.Event{Kind: "event", Action: "authorized-scan-report"}}
	e.Apply(a)
	if a.Network != (detect.Network{}) || a.Threat.Tactic != nil {
		t.Errorf("network %+v, threat %+v", a.Network, a.Threat)
	}
}
