package block

import (
	"time"

	"github.com/portsnare/portsnare/internal/render"
)

// Alert is what a blocking decision reads of an alert: a few ECS and
// portsnare.* fields, kept apart from the engine's alert type so that the
// decision logic and its tests state exactly what they depend on.
type Alert struct {
	Timestamp time.Time // @timestamp: packet time of the alert
	Event     struct {
		Kind   string // event.kind: "alert", or "event" for reports
		ID     string
		Action string
	}
	Source struct {
		IP string
	}
	Portsnare struct {
		Phase      string
		Episode    string
		Suppressed bool
		Honeyport  *struct {
			Spoofable bool
		}
	}
}

// DecodeAlert reads a published alert document in either output.format,
// ECS or OCSF, through the renderers' own reader.
func DecodeAlert(data []byte) (Alert, error) {
	var a Alert
	d, _, err := render.Decode(data)
	if err != nil {
		return a, err
	}
	a.Timestamp = d.Timestamp
	a.Event.Kind, a.Event.ID, a.Event.Action = d.Event.Kind, d.Event.ID, string(d.Event.Action)
	a.Source.IP = d.Source.IP
	a.Portsnare.Phase, a.Portsnare.Episode, a.Portsnare.Suppressed = string(d.Portsnare.Phase), d.Portsnare.Episode, d.Portsnare.Suppressed
	if d.Portsnare.Honeyport != nil {
		a.Portsnare.Honeyport = &struct{ Spoofable bool }{d.Portsnare.Honeyport.Spoofable}
	}
	return a, nil
}
