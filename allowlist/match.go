package allowlist

import (
	"time"

	"github.com/portsnare/portsnare/detect"
)

// authorize implements detect.Policy for the table.
func (t *table) authorize(p *detect.Probe) (string, bool) {
	r, in := t.charge(p)
	if r < 0 {
		return "", false
	}
	return t.rules[r].name, in
}

// charge returns the index of the rule p is charged to (-1 when no rule
// covers its source) and whether p is within that rule's scope.
func (t *table) charge(p *detect.Probe) (int32, bool) {
	if !p.Src.IsValid() {
		return -1, false // would otherwise read as ::
	}
	k, v4 := keyOf(p.Src)
	x := &t.v6
	if v4 {
		x = &t.v4
	}
	n := x.lookup(k)
	if n < 0 {
		return -1, false
	}
	// The smallest rule index wins both ways, whatever the nesting: file
	// order is what the user reads.
	covering, inScope := int32(-1), int32(-1)
	for ; n >= 0; n = x.nodes[n].parent {
		nd := x.nodes[n]
		for _, r := range x.rules[nd.from:nd.to] {
			if covering < 0 || r < covering {
				covering = r
			}
			if (inScope < 0 || r < inScope) && t.rules[r].inScope(p) {
				inScope = r
			}
		}
	}
	if inScope >= 0 {
		return inScope, true
	}
	return covering, false
}

// inScope reports whether p stays within the rule's targets, ports and
// protocols, schedule and expiry, at the probe's packet time. The cheap
// tests come first.
func (r *rule) inScope(p *detect.Probe) bool {
	if p.Technique == detect.TechARP {
		// Every IP packet to a neighbour or the gateway needs an ARP
		// request first, and nmap's host discovery on a link is ARP: held
		// to the targets and ports, which are about IP, any authorized
		// scan on a link would exceed them. Time still applies.
		return r.inTime(p.Time)
	}
	if r.ports != nil && !r.ports.contains(p.Proto, p.DstPort) {
		return false
	}
	if r.targets != nil && !r.targets.contains(p.Dst) {
		return false
	}
	return r.inTime(p.Time)
}

// inTime reports whether t is before the rule's expiry and in its schedule.
func (r *rule) inTime(t time.Time) bool {
	if !r.expires.IsZero() && !t.Before(r.expires) {
		return false
	}
	return r.sched == nil || r.sched.allows(t)
}
