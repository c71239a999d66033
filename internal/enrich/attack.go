package enrich

import (
	"strings"

	"github.com/portsnare/portsnare/detect"
)

// MITRE ATT&CK by where the scanner stands. From outside the organisation's
// networks a scan is reconnaissance (TA0043), Active Scanning (T1595);
// from inside, an intruder or an insider is already in and discovering
// (TA0007). The engine, which knows no networks, names the discovery
// techniques; this table replaces them once the source is placed.
//
// Outside, the sub-technique follows the action's shape:
//
//   - T1595.001 Scanning IP Blocks — breadth across addresses: portsweep,
//     blockscan, pingsweep.
//   - T1595.002 Vulnerability Scanning — one target's services or stack
//     studied in depth, the first step of a vulnerability scanner:
//     portscan, osscan, ipprotoscan, decoy-portscan, distributed-portscan
//     and a decoy touched (honeyport), which is a service contacted.
//
// Inside: T1018 Remote System Discovery for ping sweeps (finding hosts),
// T1046 Network Service Discovery for the rest (finding services).

var (
	tacticRecon = &detect.ThreatTactic{
		ID: []string{"TA0043"}, Name: []string{"Reconnaissance"},
		Reference: []string{"https://attack.mitre.org/tactics/TA0043/"},
	}
	tacticDiscovery = &detect.ThreatTactic{
		ID: []string{"TA0007"}, Name: []string{"Discovery"},
		Reference: []string{"https://attack.mitre.org/tactics/TA0007/"},
	}

	// The documents below are shared by every alert given them: they are
	// only marshalled, never modified.
	threatScanBlocks = activeScanning("001", "Scanning IP Blocks")
	threatScanVulns  = activeScanning("002", "Vulnerability Scanning")
	threatServices   = detect.Threat{
		Framework: "MITRE ATT&CK", Tactic: tacticDiscovery,
		Technique: detect.ThreatTechnique{
			ID: []string{"T1046"}, Name: []string{"Network Service Discovery"},
			Reference: []string{"https://attack.mitre.org/techniques/T1046/"},
		},
	}
	threatSystems = detect.Threat{
		Framework: "MITRE ATT&CK", Tactic: tacticDiscovery,
		Technique: detect.ThreatTechnique{
			ID: []string{"T1018"}, Name: []string{"Remote System Discovery"},
			Reference: []string{"https://attack.mitre.org/techniques/T1018/"},
		},
	}
)

func activeScanning(sub, name string) detect.Threat {
	return detect.Threat{
		Framework: "MITRE ATT&CK", Tactic: tacticRecon,
		Technique: detect.ThreatTechnique{
			ID: []string{"T1595"}, Name: []string{"Active Scanning"},
			Reference: []string{"https://attack.mitre.org/techniques/T1595/"},
			Subtechnique: &detect.ThreatSubtechnique{
				ID: []string{"T1595." + sub}, Name: []string{name},
				Reference: []string{"https://attack.mitre.org/techniques/T1595/" + sub + "/"},
			},
		},
	}
}

// threatFor names the technique of action for a source inside the
// internal networks or outside them.
// A fleet alert (fleet-portsweep) is named as its shape.
func threatFor(action detect.Action, internal bool) detect.Threat {
	action = detect.Action(strings.TrimPrefix(string(action), "fleet-"))
	if internal {
		if action == detect.ActionPingsweep {
			return threatSystems
		}
		return threatServices
	}
	switch action {
	case detect.ActionPortsweep, detect.ActionBlockscan, detect.ActionPingsweep:
		return threatScanBlocks
	}
	return threatScanVulns
}
