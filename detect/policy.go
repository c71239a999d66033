package detect

// Policy says whether a source is authorized to scan — an allowlisted
// vulnerability scanner or asset inventory — and whether a probe stays within
// what it is authorized to touch. Covered sources are detected like any
// other; their alerts carry the rule's name and are marked suppressed, so an
// operator can verify that the authorized scan ran, and an episode that
// leaves the rule's scope is reported as a normal alert naming the rule.
//
// Authorize is called for each first contact, on the packet path: it must be
// fast and must not block. The allowlist package implements it.
type Policy interface {
	// Authorize returns the name of the rule covering p's source ("" when
	// none does) and whether p is within that rule's targets, ports,
	// protocols and schedule.
	Authorize(p *Probe) (rule string, inScope bool)
}

// SetPolicy installs the authorization policy; nil removes it. Call it before
// feeding packets; a policy that reloads its rules does so behind this
// interface. A policy that is also an Auditor has its rules' scans
// accounted for (see Auditor).
func (e *Engine) SetPolicy(p Policy) {
	e.policy = p
	e.auditor, _ = p.(Auditor)
}

// authorize records the first contact's verdict. The covering rule is fixed
// at an episode's first contact, so a reload changes the verdict for the
// next episode; within the episode a probe outside the scope of every rule
// covering the source marks it exceeded.
func (e *Engine) authorize(s *source, p *Probe) {
	if e.policy == nil {
		return
	}
	// The policy sees a copy kept in the engine: a pointer passed through
	// an interface escapes, and the caller's probe would be moved to the
	// heap on every call.
	e.authorizing = *p
	rule, in := e.policy.Authorize(&e.authorizing)
	if !s.is(authorized) {
		s.set(authorized, true)
		if rule != "" {
			s.more().rule = rule
		}
		s.set(exceeded, rule != "" && !in)
		return
	}
	// In scope of any covering rule is in scope. A probe no rule covers any
	// more (the rule was removed by a reload) leaves the episode's verdict
	// as it was: reloads change the next episode.
	if s.rule() != "" && !s.is(exceeded) && rule != "" && !in {
		s.set(exceeded, true)
	}
}

// allowlistOf gives the alert fields for s's authorization.
func allowlistOf(s *source) (suppressed bool, a *Allowlist) {
	r := s.rule()
	if r == "" {
		return false, nil
	}
	return !s.is(exceeded), &Allowlist{Rule: r, Exceeded: s.is(exceeded)}
}
