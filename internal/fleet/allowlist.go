package fleet

import (
	"net/netip"
	"slices"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// The allowlist in the fleet view. The engine applies it to the fleet-*
// alerts of one source, as on a sensor. A campaign is many sources and no
// engine episode, so the correlator follows each source's verdict itself,
// the way the engine does: the rule covering the source's first record
// is its rule, and a record outside that rule's targets, ports, protocols
// or schedule marks it exceeded. A campaign whose every source is
// authorized (covered, never exceeded) is published suppressed, never
// dropped; one that mixes them is an alert that names the authorized ones.

// maxCampaignRules bounds the rule names a campaign lists.
const maxCampaignRules = 16

// authorize records policy's verdict on p, the probe of one of s's
// records.
func (s *fleetSource) authorize(policy detect.Policy, p *detect.Probe) {
	rule, in := policy.Authorize(p)
	if !s.judged {
		s.judged, s.rule = true, rule
		s.exceeded = rule != "" && !in
		return
	}
	// As in the engine: in scope of any covering rule is in scope, and a
	// rule no longer covering the source (a reload) changes nothing.
	if s.rule != "" && rule != "" && !in {
		s.exceeded = true
	}
}

// authorized reports whether an allowlist rule covers s and s has kept
// within it.
func (s *fleetSource) authorized() bool { return s.rule != "" && !s.exceeded }

// member is what a campaign keeps of one of its sources.
type member struct {
	last     time.Time // packet time of its latest record
	rule     string    // the allowlist rule covering it, or ""
	exceeded bool      // it left that rule's scope
}

func memberOf(s *fleetSource, at time.Time) member {
	return member{last: at, rule: s.rule, exceeded: s.exceeded}
}

// noteRule keeps rule, a member's, among the campaign's.
func (cp *campaign) noteRule(rule string) {
	if rule != "" && !slices.Contains(cp.rules, rule) && len(cp.rules) < maxCampaignRules {
		cp.rules = append(cp.rules, rule)
	}
}

// campaignAllowlist is the allowlist's say on a campaign of total
// sources, members being those kept, by address: nil when no rule covers
// any of them; suppressed when every one is authorized.
func campaignAllowlist(cp *campaign, members []netip.Addr, total int) (al *detect.Allowlist, suppressed bool) {
	if len(cp.rules) == 0 {
		return nil, false
	}
	var authorized []string
	covered := cp.countedCovered
	nauth := cp.countedAuth
	rule, firstCovered := "", ""
	for _, m := range members {
		st := cp.members[m]
		if st.rule == "" {
			continue
		}
		covered++
		if firstCovered == "" {
			firstCovered = st.rule
		}
		if st.exceeded {
			continue
		}
		nauth++
		if rule == "" {
			rule = st.rule
		}
		if len(authorized) < maxCampaignNamed {
			authorized = append(authorized, m.String())
		}
	}
	rules := slices.Sorted(slices.Values(cp.rules))
	switch {
	case rule != "":
	case firstCovered != "":
		rule = firstCovered
	default:
		rule = rules[0]
	}
	al = &detect.Allowlist{Rule: rule, Rules: rules, Exceeded: covered > nauth, Sources: authorized, SourcesTotal: nauth}
	return al, nauth == total
}
