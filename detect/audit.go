package detect

import (
	"fmt"
	"net/netip"
	"time"
)

// Authorized scans are suppressed, never ignored — and verified. A Policy
// that also implements Auditor accounts, per rule, for what the rule's
// scanners probed, and the engine asks it in packet time which accounts are
// due: a scheduled rule's window that has closed, or the end of an
// unscheduled rule's scan. Each becomes a coverage report (event.kind
// "event", action authorized-scan-report) and, for a window its scanners
// never showed up in, an alert of its own (authorized-scan-missing). Both
// leave through emit with every other alert, so their order among the scan
// alerts is the same on every replay.

// Actions of the audit documents.
const (
	// ActionAuthorizedScanReport is a rule's coverage report: what its
	// scanners probed in one window. Not an alert: event.kind is "event".
	ActionAuthorizedScanReport Action = "authorized-scan-report"
	// ActionAuthorizedScanMissing is raised when a rule's window closed
	// with no probe from its sources: the scanner is down, misconfigured
	// or blocked.
	ActionAuthorizedScanMissing Action = "authorized-scan-missing"
)

// AuditResult is what a window's account says of the authorized scan.
type AuditResult string

// Audit results.
const (
	// AuditRan: the rule's sources probed inside the window.
	AuditRan AuditResult = "ran"
	// AuditMissed: the sensor watched the whole window and no probe of
	// the rule's sources fell in it.
	AuditMissed AuditResult = "missed"
	// AuditUnobserved: no probe was seen, but the sensor did not watch
	// the whole window (it started late, or stopped before the window
	// closed), so the scan may have run unseen.
	AuditUnobserved AuditResult = "unobserved"
)

// Auditor is what a Policy may also implement to have its authorized scans
// verified. The engine calls it on its own goroutine, in packet time, as it
// calls Authorize: an Auditor is one engine's, like the engine.
type Auditor interface {
	// AuditEpisode is told when an episode of a source the policy covers
	// starts and when it ends (ended), with the rule the episode was
	// charged to at its first contact.
	AuditEpisode(rule string, src netip.Addr, at time.Time, ended bool)
	// Audit appends to out the accounts due at packet time now and
	// returns it, in a fixed order. since is the packet time of the
	// engine's first packet: windows that opened before it were not
	// watched whole. final (at Flush) asks for the windows still open as
	// well, reported partial, and for every scan still being accounted.
	Audit(since, now time.Time, final bool, out []Audit) []Audit
}

// Audit is one rule's account of one window: neutral data that the engine
// turns into a report (and, when missed, an alert).
type Audit struct {
	Rule string
	// Start and End bound the window: for a scheduled rule the schedule's
	// window, for an unscheduled one its scan, from the first probe to
	// the end of the episode that closed it.
	Start, End time.Time
	Scheduled  bool
	// Partial: the sensor did not watch the whole window — it started
	// after the window opened, or stopped (Flush) before it closed.
	Partial bool
	// Open: the window had not closed when it was reported (Flush).
	Open   bool
	Result AuditResult

	Episodes uint32       // episodes of the rule's sources that started in it
	Sources  []netip.Addr // the rule's sources seen, a sample
	// SourcesSeen counts them; SourcesMore says there were more than
	// could be told apart, so SourcesSeen is a lower bound.
	SourcesSeen uint32
	SourcesMore bool

	// Probes counts first contacts within the rule's scope; Hosts and
	// Ports the distinct hosts and ports (TCP, UDP, SCTP) they probed.
	// HostsEstimated: Hosts is an estimate (a bounded distinct counter).
	Probes         uint64
	Hosts          uint64
	HostsEstimated bool
	Ports          uint32
	PortsList      []uint16 // the ports probed, ascending, up to a bound

	// Targets is the size of the rule's target set (0: it lists none);
	// Reached how many of them were probed. CoverageExact: counted
	// address by address; otherwise Reached is an estimate and
	// Unreached is empty.
	Targets       uint64
	Reached       uint64
	CoverageExact bool
	Unreached     []netip.Addr // a sample of targets never probed

	First, Last time.Time // the first and last probe in scope; zero if none
	// OutOfScope counts first contacts of the rule's sources inside the
	// window but outside its scope (targets, ports); OutsideWindow those
	// outside any window since the previous report. Both raised normal
	// alerts naming the rule.
	OutOfScope    uint64
	OutsideWindow uint64
}

// AuditData is portsnare.audit: a rule's account of one window.
type AuditData struct {
	Rule        string      `json:"rule"`
	WindowStart time.Time   `json:"window_start"`
	WindowEnd   time.Time   `json:"window_end"`
	Scheduled   bool        `json:"scheduled"`
	Result      AuditResult `json:"result"`
	Partial     bool        `json:"partial,omitempty"`
	Open        bool        `json:"open,omitempty"`
	Episodes    uint32      `json:"episodes"`
	Sources     []string    `json:"sources"`
	SourcesSeen uint32      `json:"sources_seen"`
	SourcesMore bool        `json:"sources_more,omitempty"`
	Probes      uint64      `json:"probes"`
	Hosts       uint64      `json:"hosts"`
	// HostsEstimated: hosts is an estimate (within a few percent).
	HostsEstimated bool            `json:"hosts_estimated,omitempty"`
	Ports          uint32          `json:"ports"`
	PortsSample    []uint16        `json:"ports_sample"`
	Coverage       *TargetCoverage `json:"coverage,omitempty"`
	FirstProbe     *time.Time      `json:"first_probe,omitempty"`
	LastProbe      *time.Time      `json:"last_probe,omitempty"`
	OutOfScope     uint64          `json:"out_of_scope"`
	OutsideWindow  uint64          `json:"outside_window"`
}

// TargetCoverage is how much of a rule's target set its scan reached.
type TargetCoverage struct {
	Targets uint64  `json:"targets"`
	Reached uint64  `json:"reached"`
	Percent float64 `json:"percent"`
	// Exact: counted address by address (target sets up to a bound);
	// otherwise reached is an estimate and there is no sample.
	Exact           bool     `json:"exact"`
	UnreachedSample []string `json:"unreached_sample,omitempty"`
}

// auditSeverity: a missed authorized scan is a security control that failed
// silently — worth more than one scan alert, less than a decoy touch.
const auditSeverity = 4

// auditEpisode tells the auditor of an episode of a covered source.
func (e *Engine) auditEpisode(s *source, at ptime, ended bool) {
	if e.auditor == nil || s.rule() == "" {
		return
	}
	e.auditor.AuditEpisode(s.rule(), s.shownAddr(), at.time(), ended)
}

// audit emits the accounts due at ns: a report each, and an alert for a
// window missed. Called at the end of Tick and Flush, after the episodes
// they ended, so that an episode's end is in the report it closes.
func (e *Engine) audit(ns ptime, final bool) {
	if e.auditor == nil {
		return
	}
	// The sensor has watched since its first packet (a replay) or its
	// first tick (a live sensor on a quiet link), whichever came first.
	if e.auditFrom == 0 {
		e.auditFrom = ns
	}
	since := e.auditFrom
	if e.started {
		since = min(since, e.epoch.add(epochHeadroom))
	}
	e.audits = e.auditor.Audit(since.time(), ns.time(), final, e.audits[:0])
	for i := range e.audits {
		au := &e.audits[i]
		e.emit(e.auditReport(au, ns))
		if au.Result == AuditMissed {
			e.emit(e.auditMissing(au, ns))
		}
		*au = Audit{} // drop the slices the buffer would keep alive
	}
}

// windowID names a rule's window: the same on every replay.
func (e *Engine) windowID(au *Audit) string {
	return eventID(e.cfg.Sensor, "audit", au.Rule, nsString(ptimeOf(au.Start)))
}

// auditDoc fills what the report and the missing alert share.
func (e *Engine) auditDoc(au *Audit, action Action, ns ptime) *Alert {
	epID := e.windowID(au)
	a := e.newAlert(action, PhaseEnd, epID, 0, ptimeOf(au.Start), ptimeOf(au.End), ns)
	// One id per account: a window reported partial at a shutdown and
	// again, as the next run saw it, at its close is two documents.
	a.Event.ID = eventID(epID, string(action), fmt.Sprint(au.Partial, au.Open), nsString(ns))
	a.Threat = Threat{}
	a.Portsnare.Allowlist = &Allowlist{Rule: au.Rule}
	a.Portsnare.Audit = auditData(au)
	related := make([]string, len(au.Sources))
	for i, s := range au.Sources {
		related[i] = s.String()
	}
	a.Related.IP = related
	return a
}

// auditReport is the coverage report of au.
func (e *Engine) auditReport(au *Audit, ns ptime) *Alert {
	a := e.auditDoc(au, ActionAuthorizedScanReport, ns)
	a.Event.Kind = "event"
	a.Event.Category = []string{"network"}
	a.Event.Severity = 1
	a.Rule = Rule{Name: "Authorized scan coverage"}
	a.Message = reportMessage(au, a.Portsnare.Audit)
	return a
}

// auditMissing is the alert for a window au's scanners never showed up in.
func (e *Engine) auditMissing(au *Audit, ns ptime) *Alert {
	a := e.auditDoc(au, ActionAuthorizedScanMissing, ns)
	a.Event.Severity = auditSeverity
	a.Rule = Rule{Name: "Authorized scan missing"}
	a.Message = fmt.Sprintf("authorized scan missing: no probe from the sources of rule %s in its window %s",
		au.Rule, windowText(au))
	return a
}

func auditData(au *Audit) *AuditData {
	d := &AuditData{
		Rule: au.Rule, WindowStart: au.Start.UTC(), WindowEnd: au.End.UTC(), Scheduled: au.Scheduled,
		Result: au.Result, Partial: au.Partial, Open: au.Open, Episodes: au.Episodes,
		SourcesSeen: au.SourcesSeen, SourcesMore: au.SourcesMore, Probes: au.Probes, Hosts: au.Hosts,
		HostsEstimated: au.HostsEstimated, Ports: au.Ports, PortsSample: append([]uint16{}, au.PortsList...),
		OutOfScope: au.OutOfScope, OutsideWindow: au.OutsideWindow,
	}
	d.Sources = make([]string, len(au.Sources))
	for i, s := range au.Sources {
		d.Sources[i] = s.String()
	}
	if !au.First.IsZero() {
		first, last := au.First.UTC(), au.Last.UTC()
		d.FirstProbe, d.LastProbe = &first, &last
	}
	if au.Targets > 0 {
		c := &TargetCoverage{Targets: au.Targets, Reached: au.Reached, Exact: au.CoverageExact}
		c.Percent = float64(int64(float64(au.Reached)/float64(au.Targets)*1000+0.5)) / 10
		for _, u := range au.Unreached {
			c.UnreachedSample = append(c.UnreachedSample, u.String())
		}
		d.Coverage = c
	}
	return d
}

func windowText(au *Audit) string {
	return au.Start.UTC().Format(time.RFC3339) + " to " + au.End.UTC().Format(time.RFC3339)
}

func reportMessage(au *Audit, d *AuditData) string {
	var what string
	switch au.Result {
	case AuditRan:
		what = fmt.Sprintf("ran: %d sources, %d probes, %d hosts, %d ports", au.SourcesSeen, au.Probes, au.Hosts, au.Ports)
		if c := d.Coverage; c != nil {
			what += fmt.Sprintf("; %d of %d targets reached (%.1f%%)", c.Reached, c.Targets, c.Percent)
		}
	case AuditMissed:
		what = "missed: no probe from its sources"
	default:
		what = "unobserved: no probe seen, but the sensor did not watch the whole window"
	}
	if au.OutOfScope > 0 || au.OutsideWindow > 0 {
		what += fmt.Sprintf("; %d probes out of scope, %d outside its windows", au.OutOfScope, au.OutsideWindow)
	}
	note := ""
	switch {
	case au.Open:
		note = " (partial: the window was still open)"
	case au.Partial:
		note = " (partial: the sensor started within the window)"
	}
	return fmt.Sprintf("authorized scan %s, window %s, %s%s", au.Rule, windowText(au), what, note)
}
