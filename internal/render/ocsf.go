package render

import (
	"strings"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// OCSF 1.4 Detection Finding (class 2004, category Findings). An episode is
// one finding: its start creates it, updates update it, its end closes it,
// under one finding_info.uid (the episode id), so an OCSF consumer tracks
// it as ECS consumers track portsnare.episode.
const (
	ocsfVersion      = "1.4.0"
	ocsfClassUID     = 2004
	ocsfCategoryUID  = 2
	ocsfActivityNew  = 1
	ocsfActivityUpd  = 2
	ocsfActivityEnd  = 3
	ocsfStatusNew    = 1
	ocsfStatusSupp   = 3
	ocsfObservableIP = 2 // observable type_id: IP Address
	ocsfAnalyticRule = 1 // analytic type_id: Rule
)

type ocsfDoc struct {
	ClassUID     int              `json:"class_uid"`
	ClassName    string           `json:"class_name"`
	CategoryUID  int              `json:"category_uid"`
	CategoryName string           `json:"category_name"`
	ActivityID   int              `json:"activity_id"`
	ActivityName string           `json:"activity_name"`
	TypeUID      int              `json:"type_uid"`
	TypeName     string           `json:"type_name"`
	Time         int64            `json:"time"`
	StartTime    int64            `json:"start_time"`
	EndTime      int64            `json:"end_time"`
	SeverityID   int              `json:"severity_id"`
	Severity     string           `json:"severity"`
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	IsAlert      bool             `json:"is_alert"`
	Message      string           `json:"message"`
	Metadata     ocsfMetadata     `json:"metadata"`
	FindingInfo  ocsfFindingInfo  `json:"finding_info"`
	Evidences    []ocsfEvidence   `json:"evidences,omitempty"`
	Observables  []ocsfObservable `json:"observables,omitempty"`
	// Unmapped carries what OCSF has no attribute for: the portsnare
	// namespace, as in the ECS document.
	Unmapped ocsfUnmapped `json:"unmapped"`
}

type ocsfMetadata struct {
	Version        string      `json:"version"`
	Product        ocsfProduct `json:"product"`
	UID            string      `json:"uid"`
	CorrelationUID string      `json:"correlation_uid"`
	LoggedTime     int64       `json:"logged_time,omitempty"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

type ocsfFindingInfo struct {
	UID           string        `json:"uid"`
	Title         string        `json:"title"`
	Desc          string        `json:"desc"`
	Types         []string      `json:"types"`
	FirstSeenTime int64         `json:"first_seen_time"`
	LastSeenTime  int64         `json:"last_seen_time"`
	Analytic      ocsfAnalytic  `json:"analytic"`
	Attacks       []ocsfAttack  `json:"attacks,omitempty"`
	Product       *ocsfProduct  `json:"product,omitempty"`
	DataSources   []string      `json:"data_sources,omitempty"`
	Tags          []ocsfKeyword `json:"tags,omitempty"`
}

type ocsfAnalytic struct {
	Name   string `json:"name"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfAttack struct {
	Technique    ocsfNamed  `json:"technique"`
	SubTechnique *ocsfNamed `json:"sub_technique,omitempty"`
	Tactic       ocsfNamed  `json:"tactic"`
}

type ocsfNamed struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

type ocsfKeyword struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type ocsfEvidence struct {
	SrcEndpoint    *ocsfEndpoint   `json:"src_endpoint,omitempty"`
	DstEndpoint    *ocsfEndpoint   `json:"dst_endpoint,omitempty"`
	ConnectionInfo *ocsfConnection `json:"connection_info,omitempty"`
}

type ocsfEndpoint struct {
	IP       string        `json:"ip"`
	Location *ocsfLocation `json:"location,omitempty"`
	AS       *ocsfAS       `json:"autonomous_system,omitempty"`
}

// ocsfLocation is OCSF's location object, from ECS geo.*.
type ocsfLocation struct {
	City       string   `json:"city,omitempty"`
	Country    string   `json:"country,omitempty"`
	Continent  string   `json:"continent,omitempty"`
	Region     string   `json:"region,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	Lat        *float64 `json:"lat,omitempty"`
	Long       *float64 `json:"long,omitempty"`
}

// ocsfAS is OCSF's autonomous_system object, from ECS as.*.
type ocsfAS struct {
	Number uint32 `json:"number"`
	Name   string `json:"name,omitempty"`
}

type ocsfConnection struct {
	ProtocolName string `json:"protocol_name"`
	CommunityUID string `json:"community_uid,omitempty"`
	DirectionID  *int   `json:"direction_id,omitempty"`
	Direction    string `json:"direction,omitempty"`
}

// ocsfDirections maps ECS network.direction to OCSF direction_id and its
// caption: traffic inside the organisation is OCSF's Lateral.
var ocsfDirections = map[string]struct {
	id   int
	name string
}{
	"unknown": {0, "Unknown"}, "inbound": {1, "Inbound"}, "outbound": {2, "Outbound"},
	"internal": {3, "Lateral"}, "external": {99, "External"},
}

// ocsfSource maps ECS source.* to an OCSF endpoint.
func ocsfSource(src detect.Endpoint) *ocsfEndpoint {
	ep := &ocsfEndpoint{IP: src.IP}
	if g := src.Geo; g != nil {
		ep.Location = &ocsfLocation{City: g.CityName, Country: g.CountryISOCode, Continent: g.ContinentName,
			Region: g.RegionName, PostalCode: g.PostalCode}
		if g.Location != nil {
			ep.Location.Lat, ep.Location.Long = &g.Location.Lat, &g.Location.Lon
		}
	}
	if src.AS != nil {
		ep.AS = &ocsfAS{Number: src.AS.Number}
		if src.AS.Organization != nil {
			ep.AS.Name = src.AS.Organization.Name
		}
	}
	return ep
}

type ocsfObservable struct {
	Name   string `json:"name"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
	Value  string `json:"value"`
}

type ocsfUnmapped struct {
	Portsnare detect.PortsnareData `json:"portsnare"`
}

// ocsfSeverities names OCSF severity_id values; portsnare's severities (2
// to 5) map to them one to one.
var ocsfSeverities = [...]string{0: "Unknown", 1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}

// tactics maps the ATT&CK techniques alerts name to their tactic.
var tactics = map[string]ocsfNamed{
	"T1046":     {"TA0007", "Discovery"},
	"T1018":     {"TA0007", "Discovery"},
	"T1595":     {"TA0043", "Reconnaissance"},
	"T1595.001": {"TA0043", "Reconnaissance"},
	"T1595.002": {"TA0043", "Reconnaissance"},
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// ocsfFinding maps a to an OCSF Detection Finding.
func ocsfFinding(a *detect.Alert) *ocsfDoc {
	activity, name := ocsfActivityNew, "Create"
	switch a.Portsnare.Phase {
	case detect.PhaseUpdate:
		activity, name = ocsfActivityUpd, "Update"
	case detect.PhaseEnd:
		activity, name = ocsfActivityEnd, "Close"
	}
	sev := min(max(a.Event.Severity, 0), len(ocsfSeverities)-1)
	status, statusName := ocsfStatusNew, "New"
	if a.Portsnare.Suppressed {
		status, statusName = ocsfStatusSupp, "Suppressed"
	}
	d := &ocsfDoc{
		ClassUID: ocsfClassUID, ClassName: "Detection Finding",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ActivityID: activity, ActivityName: name,
		TypeUID: ocsfClassUID*100 + activity, TypeName: "Detection Finding: " + name,
		Time: ms(a.Timestamp), StartTime: ms(a.Event.Start), EndTime: ms(a.Event.End),
		SeverityID: sev, Severity: ocsfSeverities[sev],
		StatusID: status, Status: statusName,
		IsAlert: activity != ocsfActivityEnd && !a.Portsnare.Suppressed && a.Event.Kind == "alert",
		Message: a.Message,
		Metadata: ocsfMetadata{
			Version: ocsfVersion,
			Product: ocsfProduct{Name: a.Observer.Product, VendorName: a.Observer.Product},
			UID:     a.Event.ID, CorrelationUID: a.Portsnare.Episode,
		},
		FindingInfo: ocsfFindingInfo{
			UID: a.Portsnare.Episode, Title: a.Rule.Name, Desc: a.Message,
			Types:         []string{string(a.Event.Action)},
			FirstSeenTime: ms(a.Event.Start), LastSeenTime: ms(a.Event.End),
			Analytic:    ocsfAnalytic{Name: a.Rule.Name, TypeID: ocsfAnalyticRule, Type: "Rule"},
			DataSources: []string{"network traffic"},
		},
		Unmapped: ocsfUnmapped{Portsnare: a.Portsnare},
	}
	if a.Observer.Hostname != "" {
		d.FindingInfo.Tags = append(d.FindingInfo.Tags, ocsfKeyword{"sensor", a.Observer.Hostname})
	}
	if a.Observer.Type != "" && a.Observer.Type != "ids" {
		// A fleet correlator's view: OCSF has no observer type, and the
		// SIEM (and portsnare alerts) must still tell it from a sensor's.
		d.FindingInfo.Tags = append(d.FindingInfo.Tags, ocsfKeyword{"observer_type", a.Observer.Type})
	}
	for i, id := range a.Threat.Technique.ID {
		t := ocsfAttack{Technique: ocsfNamed{UID: id}, Tactic: tactics[id]}
		if i < len(a.Threat.Technique.Name) {
			t.Technique.Name = a.Threat.Technique.Name[i]
		}
		if t.Tactic.UID == "" {
			t.Tactic = tactics[strings.SplitN(id, ".", 2)[0]]
		}
		if sub := a.Threat.Technique.Subtechnique; sub != nil && i < len(sub.ID) {
			t.SubTechnique = &ocsfNamed{UID: sub.ID[i]}
			if i < len(sub.Name) {
				t.SubTechnique.Name = sub.Name[i]
			}
		}
		d.FindingInfo.Attacks = append(d.FindingInfo.Attacks, t)
	}
	ev := ocsfEvidence{}
	if a.Source.IP != "" {
		ev.SrcEndpoint = ocsfSource(a.Source)
	}
	if a.Destination != nil && a.Destination.IP != "" {
		ev.DstEndpoint = &ocsfEndpoint{IP: a.Destination.IP}
	}
	if a.Network.Transport != "" {
		ev.ConnectionInfo = &ocsfConnection{ProtocolName: a.Network.Transport, CommunityUID: a.Network.CommunityID}
		if d, ok := ocsfDirections[a.Network.Direction]; ok {
			ev.ConnectionInfo.DirectionID, ev.ConnectionInfo.Direction = &d.id, d.name
		}
	}
	if ev != (ocsfEvidence{}) {
		d.Evidences = []ocsfEvidence{ev}
	}
	for _, ip := range a.Related.IP {
		d.Observables = append(d.Observables, ocsfObservable{Name: "related.ip", TypeID: ocsfObservableIP, Type: "IP Address", Value: ip})
	}
	return d
}
