package allowlist

import (
	"reflect"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

func alert(episode string, phase detect.Phase, rule string, exceeded bool) *detect.Alert {
	a := &detect.Alert{}
	a.Portsnare.Episode, a.Portsnare.Phase = episode, phase
	if rule != "" {
		a.Portsnare.Allowlist = &detect.Allowlist{Rule: rule, Exceeded: exceeded}
		a.Portsnare.Suppressed = !exceeded
	}
	return a
}

func TestEpisodeCounter(t *testing.T) {
	var c EpisodeCounter
	for _, a := range []*detect.Alert{
		alert("e1", detect.PhaseStart, "nessus", false),
		alert("e1", detect.PhaseUpdate, "nessus", false),
		alert("e1", detect.PhaseEnd, "nessus", false),
		alert("e2", detect.PhaseStart, "nessus", false),
		alert("e2", detect.PhaseUpdate, "nessus", true), // left its lane
		alert("e2", detect.PhaseEnd, "nessus", true),
		alert("e3", detect.PhaseStart, "qualys", true),
		alert("e3", detect.PhaseEnd, "qualys", true),
		alert("e4", detect.PhaseStart, "", false), // not allowlisted
	} {
		c.Observe(a)
	}
	want := map[string]RuleEpisodes{"nessus": {Suppressed: 2, Exceeded: 1}, "qualys": {Exceeded: 1}}
	if got := c.Counts(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if len(c.open) != 0 {
		t.Errorf("open episodes remembered after their end: %v", c.open)
	}
}
