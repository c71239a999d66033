package render

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// Decode reads a published document back, in either format, as the
// engine's alert: what portsnare's own readers (portsnare alerts, allowlist
// report) need, whichever output.format the sensors that wrote the stream
// used. From OCSF, times come back to the millisecond.
func Decode(data []byte) (*detect.Alert, Format, error) {
	var probe struct {
		ClassUID int `json:"class_uid"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, "", err
	}
	if probe.ClassUID == 0 {
		var a detect.Alert
		if err := json.Unmarshal(data, &a); err != nil {
			return nil, "", err
		}
		return &a, ECS, nil
	}
	if probe.ClassUID != ocsfClassUID {
		return nil, "", errors.New("an OCSF document of another class than Detection Finding (2004)")
	}
	var d ocsfDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, "", err
	}
	return fromOCSF(&d), OCSF, nil
}

// fromOCSF inverts ocsfFinding.
func fromOCSF(d *ocsfDoc) *detect.Alert {
	at := func(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
	a := &detect.Alert{Timestamp: at(d.Time), Message: d.Message}
	a.Event = detect.Event{Kind: "alert", ID: d.Metadata.UID, Category: []string{"network", "intrusion_detection"},
		Type: []string{"info"}, Start: at(d.StartTime), End: at(d.EndTime), Severity: d.SeverityID}
	if len(d.FindingInfo.Types) > 0 {
		a.Event.Action = detect.Action(d.FindingInfo.Types[0])
	}
	if a.Event.Action == detect.ActionAuthorizedScanReport {
		a.Event.Kind = "event"
	}
	a.Rule.Name = d.FindingInfo.Title
	a.Observer = detect.Observer{Type: "ids", Product: d.Metadata.Product.Name}
	for _, t := range d.FindingInfo.Tags {
		switch t.Name {
		case "sensor":
			a.Observer.Hostname = t.Value
		case "observer_type":
			a.Observer.Type = t.Value
		}
	}
	for _, t := range d.FindingInfo.Attacks {
		if a.Threat.Framework == "" {
			a.Threat.Framework = "MITRE ATT&CK"
		}
		a.Threat.Technique.ID = append(a.Threat.Technique.ID, t.Technique.UID)
		a.Threat.Technique.Name = append(a.Threat.Technique.Name, t.Technique.Name)
	}
	if len(d.Evidences) > 0 {
		ev := d.Evidences[0]
		if ev.SrcEndpoint != nil {
			a.Source.IP = ev.SrcEndpoint.IP
		}
		if ev.DstEndpoint != nil {
			a.Destination = &detect.Endpoint{IP: ev.DstEndpoint.IP}
		}
		if ev.ConnectionInfo != nil {
			a.Network = detect.Network{Transport: ev.ConnectionInfo.ProtocolName, CommunityID: ev.ConnectionInfo.CommunityUID}
		}
	}
	for _, o := range d.Observables {
		if o.Name == "related.ip" {
			a.Related.IP = append(a.Related.IP, o.Value)
		}
	}
	a.Portsnare = d.Unmapped.Portsnare
	return a
}
