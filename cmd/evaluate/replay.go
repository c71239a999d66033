package main

import (
	"context"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor"
)

// episode is what the engine said about one episode: its first start
// alert, its end summary, and every source any of its alerts named.
type episode struct {
	start, end *detect.Alert
	named      []string
}

// names reports whether the episode named addr.
func (e *episode) names(addr string) bool {
	for _, n := range e.named {
		if n == addr {
			return true
		}
	}
	return false
}

// summary is the episode's most complete alert: the end summary when
// there is one.
func (e *episode) summary() *detect.Alert {
	if e.end != nil {
		return e.end
	}
	return e.start
}

// replayer replays one capture and returns its episodes in the order of
// their first alert.
type replayer func(path string) ([]*episode, error)

// replayEngine replays a capture on its own through the default engine.
func replayEngine(path string) ([]*episode, error) {
	eps, _, err := replayCounted(path)
	return eps, err
}

// replayCounted is replayEngine that also returns the replay's counters,
// for the corpus test to show that a quiet benign capture was seen.
func replayCounted(path string) ([]*episode, sensor.ReplayStats, error) {
	byID := map[string]*episode{}
	var eps []*episode
	st, err := sensor.Replay(context.Background(), sensor.ReplayOptions{
		Files: []string{path}, Engine: detect.DefaultConfig(),
		Alerts: func(a *detect.Alert) {
			e := byID[a.Portsnare.Episode]
			if e == nil {
				e = &episode{}
				byID[a.Portsnare.Episode] = e
				eps = append(eps, e)
			}
			switch a.Portsnare.Phase {
			case detect.PhaseStart:
				if e.start == nil {
					e.start = a
				}
			case detect.PhaseEnd:
				e.end = a
			}
			// An IPv6 source tracked by prefix names every address it
			// was seen using.
			named := append([]string{a.Source.IP}, a.Portsnare.Scan.Sources...)
			for _, s := range append(named, a.Portsnare.Scan.SourceAddresses...) {
				if s != "" && !e.names(s) {
					e.named = append(e.named, s)
				}
			}
		},
	})
	return eps, st, err
}
