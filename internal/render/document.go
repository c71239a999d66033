package render

import "github.com/portsnare/portsnare/detect"

// Document is an alert as its carriers handle it: rendered once, with the
// few routing fields they need, so that standard output, the NATS publisher
// and its spool depend on this and not on the engine's types.
type Document struct {
	ID         string // event.id: the message id that has a resend stored once
	Sensor     string // observer.hostname: a subject token
	Action     string // event.action: a subject token and a metric label
	Phase      string // portsnare.phase: the spool keeps end summaries when full
	Suppressed bool   // an allowlisted scanner's: the suppressed subject
	AuditRule  string // on a coverage report, its rule: the report's subject names it
	Body       []byte // the document: one line of JSON, no newline
	// Subject, when set, is the subject without the prefix, for documents
	// that are no alert (fleet evidence) and so have no routing of their own.
	Subject string
}

// Summary reports whether d is an episode's end summary: the one alert of
// an episode a full spool keeps.
func (d *Document) Summary() bool { return d.Phase == string(detect.PhaseEnd) }

// Make renders a in format f, with its routing.
func Make(a *detect.Alert, f Format) (*Document, error) {
	body, err := Render(a, f)
	if err != nil {
		return nil, err
	}
	d := &Document{ID: a.Event.ID, Sensor: a.Observer.Hostname, Action: string(a.Event.Action),
		Phase: string(a.Portsnare.Phase), Suppressed: a.Portsnare.Suppressed, Body: body}
	if a.Event.Action == detect.ActionAuthorizedScanReport && a.Portsnare.Audit != nil {
		d.AuditRule = a.Portsnare.Audit.Rule
	}
	return d, nil
}
