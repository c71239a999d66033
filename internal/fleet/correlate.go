package fleet

import (
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// FleetSensor is the sensor token of fleet alerts: they are published to
// <prefix>.alert.fleet.<action>, and their event ids are derived from it
// rather than from the correlator's name, so that whichever instance
// judges a source raises the same ids.
const FleetSensor = "fleet"

// ObserverType is observer.type of fleet alerts: a fleet view, not one
// sensor's.
const ObserverType = "fleet"

// FleetAction is the fleet alert's action for the engine's: a port scan
// seen across sensors is a fleet-portscan, a sweep a fleet-sweep, and so
// on.
func FleetAction(a detect.Action) detect.Action {
	switch a {
	case detect.ActionPortsweep:
		return "fleet-sweep"
	case detect.ActionDistributedPortscan:
		return "fleet-distributed-portscan"
	}
	return "fleet-" + a
}

// CorrelatorStats are the correlator's counters.
type CorrelatorStats struct {
	Batches, Records uint64
	Alerts           uint64 // fleet-* alerts raised
	SingleSensor     uint64 // engine alerts withheld: fewer sensors than min_sensors saw the source
	SensorAlerted    uint64 // withheld: a sensor had alerted on the source itself
	Campaigns        uint64 // campaign alerts raised (start and end)
}

// Correlator merges evidence batches into one engine keyed by source, in
// evidence packet time, and turns its alerts into fleet alerts. It is not
// safe for concurrent use: one goroutine feeds it (see Consume).
type Correlator struct {
	cfg    CorrelateConfig
	eng    *detect.Engine
	policy detect.Policy // nil: no allowlist
	probe  detect.Probe  // the record being fed, as a probe: kept here, so that the policy's pointer to it escapes nothing
	srcs   *sources
	camps  *campaigns // nil: campaigns off
	out    func(*detect.Alert)
	tick   time.Time // packet time of the engine's last Tick
	stats  struct{ batches, records, alerts, single, alerted, campaigns atomic.Uint64 }
}

// NewCorrelator returns a correlator running an engine with dcfg (the
// sensors' thresholds) and policy (the allowlist, fleet-wide: nil for
// none), handing fleet alerts to out. The policy judges the engine's
// first contacts, and every record for the campaigns (see allowlist.go):
// a policy that accounts for what it is asked (allowlist.Coverage) would
// count a record twice, so portsnare correlate passes the plain list.
func NewCorrelator(cfg CorrelateConfig, dcfg detect.Config, policy detect.Policy, out func(*detect.Alert)) (*Correlator, error) {
	c := &Correlator{cfg: cfg, out: out, srcs: newSources(dcfg.MaxSources)}
	dcfg.Sensor = FleetSensor
	dcfg.Evidence = nil
	eng, err := detect.New(dcfg, c.alert)
	if err != nil {
		return nil, err
	}
	if policy != nil {
		eng.SetPolicy(policy)
		c.policy = policy
	}
	c.eng = eng
	if cfg.CampaignMinSources > 0 {
		c.camps = newCampaigns(cfg.CampaignWindow, cfg.CampaignMinSources, c.campaignAlert)
	}
	return c, nil
}

// Add feeds a batch's records into the engine, in their order.
func (c *Correlator) Add(b *Batch) {
	c.stats.batches.Add(1)
	for i := range b.Records {
		r := &b.Records[i]
		c.stats.records.Add(1)
		s := c.srcs.note(b.Sensor, r)
		p := c.probeOf(r)
		if c.policy != nil {
			s.authorize(c.policy, p) // for campaigns: the engine judges its own sources
		}
		if c.camps != nil {
			c.camps.note(r.Src, s, b.Sensor, r)
		}
		c.feed(r, p)
	}
}

// Tick runs the engine's housekeeping at packet time now (the latest
// evidence's): silences are judged, idle episodes end.
func (c *Correlator) Tick(now time.Time) {
	if now.After(c.tick) {
		c.tick = now
		c.eng.Tick(now)
		if c.camps != nil {
			c.camps.tick(now)
		}
	}
}

// Flush ends every open fleet episode, as on shutdown.
func (c *Correlator) Flush(now time.Time) {
	if c.tick.After(now) {
		now = c.tick
	}
	c.eng.Flush(now)
	if c.camps != nil {
		c.camps.flush(now)
	}
}

// Stats returns the counters.
func (c *Correlator) Stats() CorrelatorStats {
	return CorrelatorStats{Batches: c.stats.batches.Load(), Records: c.stats.records.Load(),
		Alerts: c.stats.alerts.Load(), SingleSensor: c.stats.single.Load(), SensorAlerted: c.stats.alerted.Load(),
		Campaigns: c.stats.campaigns.Load()}
}

// oddFlags are the TCP flags an odd technique's probe carries.
var oddFlags = map[detect.Technique]uint8{
	detect.TechFIN: 0x01, detect.TechNULL: 0, detect.TechXmas: 0x29, detect.TechMaimon: 0x11, detect.TechACK: 0x10, detect.TechTCPOdd: 0x03,
}

// probeOf makes record r the probe it was, in c.probe. Its source port
// and sequence number are derived from the contact, so distinct sources
// never look like decoys sending in lock-step, and one contact reported
// twice is one contact.
func (c *Correlator) probeOf(r *Record) *detect.Probe {
	tech, _ := detect.ParseTechnique(r.Tech)
	sum := contactHash(r)
	sport, seq := uint16(32768+sum%28000), uint32(sum>>32)
	p := &c.probe
	*p = detect.Probe{Time: r.Time(), Src: r.Src, Dst: r.Dst, Proto: r.Proto, Technique: tech,
		SrcPort: sport, DstPort: r.Port, Seq: seq, Flags: 0x02, TTL: 64}
	if tech == detect.TechHoneyport || tech == detect.TechTCPUnseen {
		p.Technique = detect.TechSYN
	}
	if f, ok := oddFlags[tech]; ok {
		p.Flags = f
	}
	if r.Proto != detect.ProtoTCP {
		p.Flags = 0
	}
	return p
}

// feed replays record r as its probe p and the answer that said what it
// was: a failure, or an accepted contact.
func (c *Correlator) feed(r *Record, p *detect.Probe) {
	kind, _ := detect.ParseEvidenceKind(r.Kind)
	at, sport := p.Time, p.SrcPort
	c.eng.Probe(p)
	if kind == detect.EvidenceOdd || (kind == detect.EvidenceSilent && (r.Proto == detect.ProtoICMP || r.Proto == detect.ProtoICMPv6)) {
		return // left unanswered: the engine judges the silence itself
	}
	outcome := detect.Failed
	if kind == detect.EvidenceAccepted {
		outcome = detect.Succeeded
	}
	c.eng.Reply(&detect.Reply{Time: at, Prober: r.Src, Target: r.Dst, Proto: r.Proto,
		ProberPort: sport, TargetPort: r.Port, Outcome: outcome, AnswersProbe: true})
	if at.Sub(c.tick) >= time.Second {
		c.Tick(at)
	}
}

// alert is the engine's sink: its alert becomes a fleet alert, or is
// withheld when the fleet view adds nothing to the sensors' own.
func (c *Correlator) alert(a *detect.Alert) {
	src, err := netip.ParseAddr(a.Source.IP)
	s, ok := c.srcs.c.Peek(src)
	if err != nil || !ok {
		c.publish(a, nil)
		return
	}
	ep := a.Portsnare.Episode
	switch {
	case s.published == ep:
	case s.withheld == ep:
		return
	case len(s.episodes) > 0:
		// A sensor alerted on this source itself: its alert stands, and
		// the fleet does not raise it again.
		s.withheld = ep
		c.stats.alerted.Add(1)
		return
	case len(s.sensors) < c.cfg.MinSensors:
		c.stats.single.Add(1)
		return // not yet: a later phase may find more sensors
	default:
		s.published = ep
		a.Portsnare.Phase = detect.PhaseStart // the first the fleet raises of this episode
	}
	c.publish(a, s)
}

// publish rewrites a as the fleet's and hands it out.
func (c *Correlator) publish(a *detect.Alert, s *fleetSource) {
	a.Event.Action = FleetAction(a.Event.Action)
	a.Observer.Type, a.Observer.Hostname = ObserverType, c.cfg.Name
	if s != nil {
		fd := &detect.FleetData{Sensors: slices.Sorted(slices.Values(s.sensors)), TargetsTotal: s.ntargets,
			Records: s.records, SensorEpisodes: slices.Clone(s.episodes)}
		for _, t := range s.targets {
			fd.Targets = append(fd.Targets, t.String())
		}
		a.Portsnare.Fleet = fd
		if a.Portsnare.Scan.Tool == "" {
			a.Portsnare.Scan.Tool = s.tool()
		}
		a.Message = fmt.Sprintf("fleet view of %d sensors (%v): %s", len(fd.Sensors), fd.Sensors, a.Message)
	}
	c.stats.alerts.Add(1)
	c.out(a)
}

// contactHash is an FNV-1a digest of a record's contact (source, target,
// protocol, port): the same contact always gets the same probe, on every
// instance, without the allocations of formatting it.
func contactHash(r *Record) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	src, dst := r.Src.As16(), r.Dst.As16()
	for _, b := range src {
		h = (h ^ uint64(b)) * prime
	}
	for _, b := range dst {
		h = (h ^ uint64(b)) * prime
	}
	for _, b := range [3]byte{r.Proto, byte(r.Port >> 8), byte(r.Port)} {
		h = (h ^ uint64(b)) * prime
	}
	return h
}
