package fleet

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// campaignAlert renders campaign cp at phase as a fleet alert. A campaign
// has no one source: source.ip is the first member to join, and the
// members are named in portsnare.scan.sources (the first
// maxCampaignNamed by address); portsnare.scan.sources_total and the
// message count them all. The allowlist's say is in portsnare.suppressed
// and portsnare.allowlist (see campaignAllowlist).
func (c *Correlator) campaignAlert(cp *campaign, phase detect.Phase, at time.Time, reason detect.EndReason) {
	members := make([]netip.Addr, 0, len(cp.members))
	for m := range cp.members {
		members = append(members, m)
	}
	slices.SortFunc(members, netip.Addr.Compare)
	total := len(members) + cp.counted
	named := make([]string, 0, min(len(members), maxCampaignNamed))
	for _, m := range members[:min(len(members), maxCampaignNamed)] {
		named = append(named, m.String())
	}
	sample := slices.Clone(cp.sample)
	slices.SortFunc(sample, netip.Addr.Compare)
	targets := make([]string, len(sample))
	for i, t := range sample {
		targets[i] = t.String()
	}
	ports := cp.pat.portNames()
	var portsSample []uint16
	for _, pp := range cp.pat.Ports {
		portsSample = append(portsSample, uint16(pp))
	}
	transport := "tcp"
	if len(cp.pat.Ports) > 0 {
		switch uint8(cp.pat.Ports[0] >> 16) {
		case detect.ProtoUDP:
			transport = "udp"
		case detect.ProtoSCTP:
			transport = "sctp"
		case detect.ProtoTCP:
		default:
			transport = "ip"
		}
	}
	related := append([]string{}, named...)
	allow, suppressed := campaignAllowlist(cp, members, total)
	a := &detect.Alert{
		Timestamp: at,
		Message: fmt.Sprintf("%s campaign: %d sources probed %s on %d hosts within %s (%s)",
			cp.pat.Tool, total, strings.Join(ports, ","), len(cp.targets), c.cfg.CampaignWindow, strings.Join(named, ", ")),
		Event: detect.Event{Kind: "alert", ID: campaignID(cp.id, phase), Action: ActionCampaign,
			Category: []string{"network", "intrusion_detection"}, Type: []string{"info"},
			Start: cp.start, End: cp.last, Severity: 3},
		Source:  detect.Endpoint{IP: cp.firstSrc.String()},
		Related: detect.Related{IP: related},
		Network: detect.Network{Transport: transport},
		Rule:    detect.Rule{Name: "fleet campaign: sources sharing a tool and a port set"},
		Threat: detect.Threat{Framework: "MITRE ATT&CK", Technique: detect.ThreatTechnique{
			ID: []string{"T1595"}, Name: []string{"Active Scanning"}}},
		Observer: detect.Observer{Type: ObserverType, Product: "portsnare", Hostname: c.cfg.Name},
		Portsnare: detect.PortsnareData{Phase: phase, Episode: cp.id, Suppressed: suppressed, Allowlist: allow,
			Scan: detect.ScanData{Technique: cp.tech, Order: "unknown", Tool: cp.pat.Tool,
				Probes: cp.records, Contacts: uint32(min(cp.records, 1<<32-1)), Ports: uint32(len(cp.pat.Ports)),
				Hosts: uint32(len(cp.targets)), Failed: uint32(min(cp.failed, 1<<32-1)), Succeeded: uint32(min(cp.succeeded, 1<<32-1)),
				Reason:      fmt.Sprintf("%d sources (at least %d) with tool %s probed the same ports within %s", total, c.cfg.CampaignMinSources, cp.pat.Tool, c.cfg.CampaignWindow),
				PortsSample: portsSample, HostsSample: targets, Sources: named, SourcesTotal: total, EndReason: reason},
			Fleet: &detect.FleetData{Sensors: slices.Sorted(slices.Values(cp.sensors)), Targets: targets,
				TargetsTotal: len(cp.targets), Records: cp.records},
		},
	}
	if allow != nil && !suppressed && allow.SourcesTotal > 0 {
		a.Message += fmt.Sprintf("; %d of them authorized (allowlist %s)", allow.SourcesTotal, strings.Join(allow.Rules, ", "))
	}
	if a.Portsnare.Scan.HostsSample == nil {
		a.Portsnare.Scan.HostsSample = []string{}
	}
	c.stats.campaigns.Add(1)
	c.out(a)
}
