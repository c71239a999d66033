package detect

import "time"

// Action is what an alert reports (event.action): the shape of a scan, or
// a decoy touch.
type Action string

// Actions.
const (
	ActionPortscan            Action = "portscan"
	ActionPortsweep           Action = "portsweep"
	ActionBlockscan           Action = "blockscan"
	ActionPingsweep           Action = "pingsweep"
	ActionIPProtoScan         Action = "ipprotoscan"
	ActionDecoyPortscan       Action = "decoy-portscan"
	ActionDistributedPortscan Action = "distributed-portscan"
	ActionHoneyport           Action = "honeyport"
	ActionOSScan              Action = "osscan"
)

// Phase is where in its episode an alert stands (portsnare.phase).
type Phase string

// Phases of an episode: one start, updates as it grows, one end.
const (
	PhaseStart  Phase = "start"
	PhaseUpdate Phase = "update"
	PhaseEnd    Phase = "end"
)

// EndReason says why an episode ended (portsnare.scan.end_reason).
type EndReason string

// End reasons.
const (
	EndIdle    EndReason = "idle"    // no probe for end_after
	EndFlush   EndReason = "flush"   // end of a replay, or shutdown
	EndEvicted EndReason = "evicted" // pushed out of memory for room
)

// Alert is one alert in Elastic Common Schema names; it marshals to the JSON
// documented in the README. Alerts are built only when something is raised,
// never per packet.
type Alert struct {
	Timestamp   time.Time     `json:"@timestamp"`
	Message     string        `json:"message"`
	Event       Event         `json:"event"`
	Source      Endpoint      `json:"source,omitzero"` // none on an audit report
	Destination *Endpoint     `json:"destination,omitempty"`
	Related     Related       `json:"related"`
	Network     Network       `json:"network,omitzero"`
	Rule        Rule          `json:"rule"`
	Threat      Threat        `json:"threat,omitzero"`
	Observer    Observer      `json:"observer"`
	Portsnare   PortsnareData `json:"portsnare"`
}

// Event is ECS event.*.
type Event struct {
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Action   Action    `json:"action"`
	Category []string  `json:"category"`
	Type     []string  `json:"type"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Severity int       `json:"severity"`
}

// Endpoint is ECS source/destination. Geo and AS are filled after the
// engine, from the databases the operator points to; the engine leaves
// them empty.
type Endpoint struct {
	IP  string `json:"ip"`
	Geo *Geo   `json:"geo,omitempty"`
	AS  *AS    `json:"as,omitempty"`
}

// Geo is ECS geo.*: where an address is, as a GeoIP database places it.
type Geo struct {
	ContinentCode  string    `json:"continent_code,omitempty"`
	ContinentName  string    `json:"continent_name,omitempty"`
	CountryISOCode string    `json:"country_iso_code,omitempty"`
	CountryName    string    `json:"country_name,omitempty"`
	RegionISOCode  string    `json:"region_iso_code,omitempty"`
	RegionName     string    `json:"region_name,omitempty"`
	CityName       string    `json:"city_name,omitempty"`
	PostalCode     string    `json:"postal_code,omitempty"`
	Timezone       string    `json:"timezone,omitempty"`
	Location       *GeoPoint `json:"location,omitempty"`
}

// GeoPoint is an ECS geo_point.
type GeoPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// AS is ECS as.*: the autonomous system an address is routed from.
type AS struct {
	Number       uint32          `json:"number"`
	Organization *ASOrganization `json:"organization,omitempty"`
}

// ASOrganization is ECS as.organization.*.
type ASOrganization struct {
	Name string `json:"name"`
}

// Related is ECS related.*.
type Related struct {
	IP []string `json:"ip"`
}

// Network is ECS network.*.
type Network struct {
	Transport string `json:"transport"`
	// CommunityID is the Community ID (v1) of the flow the alert names,
	// for alerts that name one: the key Zeek, Suricata and Security Onion
	// log flows under.
	CommunityID string `json:"community_id,omitempty"`
	// Direction is ECS network.direction — inbound, outbound, internal,
	// external or unknown — judged from the configured internal networks
	// after the engine, which leaves it empty.
	Direction string `json:"direction,omitempty"`
}

// Rule is ECS rule.*.
type Rule struct {
	Name string `json:"name"`
}

// Threat is ECS threat.*.
type Threat struct {
	Framework string          `json:"framework"`
	Tactic    *ThreatTactic   `json:"tactic,omitempty"`
	Technique ThreatTechnique `json:"technique"`
}

// ThreatTactic names MITRE ATT&CK tactics (ECS threat.tactic.*).
type ThreatTactic struct {
	ID        []string `json:"id"`
	Name      []string `json:"name"`
	Reference []string `json:"reference,omitempty"`
}

// ThreatTechnique names MITRE ATT&CK techniques.
type ThreatTechnique struct {
	ID        []string `json:"id"`
	Name      []string `json:"name"`
	Reference []string `json:"reference,omitempty"`
	// Subtechnique refines the technique (ECS
	// threat.technique.subtechnique.*), e.g. T1595.001 under T1595.
	Subtechnique *ThreatSubtechnique `json:"subtechnique,omitempty"`
}

// ThreatSubtechnique names MITRE ATT&CK sub-techniques.
type ThreatSubtechnique struct {
	ID        []string `json:"id"`
	Name      []string `json:"name"`
	Reference []string `json:"reference,omitempty"`
}

// Observer is ECS observer.*.
type Observer struct {
	Type     string `json:"type"`
	Product  string `json:"product"`
	Hostname string `json:"hostname"`
}

// PortsnareData is the portsnare.* namespace.
type PortsnareData struct {
	Phase      Phase      `json:"phase"`
	Episode    string     `json:"episode"`
	Suppressed bool       `json:"suppressed"`
	Allowlist  *Allowlist `json:"allowlist,omitempty"`
	Scan       ScanData   `json:"scan,omitzero"` // none on an audit document
	// Honeyport details the decoy touches (action honeyport only).
	Honeyport *HoneyportData `json:"honeyport,omitempty"`
	// ScanEpisode, on a honeyport alert, is the episode id of the same
	// source's scan alert when one is open: the two are one story.
	ScanEpisode string `json:"scan_episode,omitempty"`
	// Audit is an allowlist rule's account of one window, on the
	// authorized-scan-report and authorized-scan-missing documents.
	Audit *AuditData `json:"audit,omitempty"`
	// ScannerList names the known-scanner lists the source is on (research
	// scanners, the organisation's own tools): context, never suppression.
	ScannerList []string `json:"scanner_list,omitempty"`
	// Fleet, on a fleet correlator's alert, names the sensors whose
	// evidence it merged (see FleetData).
	Fleet *FleetData `json:"fleet,omitempty"`
}

// HoneyportData describes a source's decoy touches.
type HoneyportData struct {
	Port      uint16 `json:"port"`
	Protocol  string `json:"protocol"`
	Handshake bool   `json:"handshake"`
	// Spoofable: seen by capture only (a dark port), with no handshake to
	// prove the source address.
	Spoofable bool   `json:"spoofable"`
	Banner    string `json:"banner,omitempty"`
	Bytes     int    `json:"bytes"`
	// FirstBytes is what the client sent first (base64 in JSON), recorded,
	// never interpreted.
	FirstBytes  []byte   `json:"first_bytes,omitempty"`
	Touches     uint32   `json:"touches"`
	PortsSample []uint16 `json:"ports_sample"`
}

// Found lists the services that answered a scan open — accepted
// connections, SYN-ACKs, UDP answers — the exposure the scan revealed.
type Found struct {
	// Services counts the first contacts answered open.
	Services uint32 `json:"services"`
	// Sample names some of them as HOST:PORT/PROTOCOL ([HOST]:PORT/PROTOCOL
	// for IPv6), the first found first.
	Sample []string `json:"sample"`
}

// Allowlist says which rule covered (or was exceeded by) the source.
type Allowlist struct {
	Rule     string `json:"rule"`
	Exceeded bool   `json:"exceeded,omitempty"`
	// Flagged: an authorized scanner touched a decoy. Still suppressed, but
	// worth a look: scanners rarely need to.
	Flagged bool `json:"flagged,omitempty"`
	// Rules, Sources and SourcesTotal are for an alert of many sources (a
	// fleet campaign), some of which rules cover: Rules names every such
	// rule (Rule is that of the first source authorized), Sources the
	// sources authorized — covered, and within their rule's scope — the
	// first by address, and SourcesTotal counts them all. Exceeded then
	// says that a covered source left its rule's scope.
	Rules        []string `json:"rules,omitempty"`
	Sources      []string `json:"sources,omitempty"`
	SourcesTotal int      `json:"sources_total,omitempty"`
}

// ScanData summarises what the episode has probed so far.
type ScanData struct {
	Technique   string   `json:"technique"`
	Order       string   `json:"order"`
	Tool        string   `json:"tool,omitempty"`
	Probes      uint64   `json:"probes"`
	Contacts    uint32   `json:"contacts"`
	Ports       uint32   `json:"ports"`
	Hosts       uint32   `json:"hosts"`
	Failed      uint32   `json:"failed"`
	Succeeded   uint32   `json:"succeeded"`
	Unanswered  uint32   `json:"unanswered"`
	Retried     uint32   `json:"retried"`
	Reason      string   `json:"reason"`
	PortsSample []uint16 `json:"ports_sample"`
	HostsSample []string `json:"hosts_sample"`
	Sources     []string `json:"sources,omitempty"`
	// SourcesTotal, on a fleet campaign alert, counts all its sources:
	// Sources names only the first of them.
	SourcesTotal int `json:"sources_total,omitempty"`
	// Episodes, on a distributed scan, are the episode ids of participants
	// also alerted on their own.
	Episodes []string `json:"episodes,omitempty"`
	// SourcePrefix and SourceAddresses: for an IPv6 source tracked by
	// prefix, the prefix and the addresses seen in it (a sample).
	SourcePrefix    string   `json:"source_prefix,omitempty"`
	SourceAddresses []string `json:"source_addresses,omitempty"`
	// Shape is what the episode's probes make now, when it is no longer
	// the action it started as (a ping sweep turned port sweep).
	Shape Action `json:"shape,omitempty"`
	// Unseen counts contacts known only from the target's answers (a tap
	// that sees one direction of the path).
	Unseen uint32 `json:"unseen,omitempty"`
	// HoneyportTouches counts the episode's first contacts that were decoys.
	HoneyportTouches uint32 `json:"honeyport_touches,omitempty"`
	// Found is what the scan learned: the services that answered it open.
	Found     *Found    `json:"found,omitempty"`
	EndReason EndReason `json:"end_reason,omitempty"`
}
