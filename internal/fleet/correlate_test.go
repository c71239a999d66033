package fleet

import (
	"context"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

var (
	scanner = netip.MustParseAddr("198.18.0.10")
	target  = netip.MustParseAddr("198.18.1.2")
)

// fleetSensor is an engine that exports its evidence, as a sensor with
// fleet.enabled does.
type fleetSensor struct {
	name   string
	eng    *detect.Engine
	x      *Exporter
	alerts []*detect.Alert
}

func newFleetSensor(t *testing.T, name string, out func(*render.Document)) *fleetSensor {
	t.Helper()
	s := &fleetSensor{name: name}
	s.x = NewExporter(testConfig(), name, out, nil)
	cfg := detect.DefaultConfig()
	cfg.Sensor, cfg.Evidence = name, s.x
	eng, err := detect.New(cfg, func(a *detect.Alert) { s.alerts = append(s.alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	s.eng = eng
	return s
}

// scan sends SYNs to ports of target, each refused, from at on.
func (s *fleetSensor) scan(at time.Time, ports ...uint16) {
	for i, port := range ports {
		now := at.Add(time.Duration(i) * 10 * time.Millisecond)
		s.eng.Probe(&detect.Probe{Time: now, Src: scanner, Dst: target, Proto: detect.ProtoTCP, Technique: detect.TechSYN,
			SrcPort: 41000, DstPort: port, Seq: 77, Window: 1024, TTL: 48, FP: detect.FPMSSOnly})
		s.eng.Reply(&detect.Reply{Time: now.Add(time.Millisecond), Prober: scanner, Target: target, Proto: detect.ProtoTCP,
			ProberPort: 41000, TargetPort: port, Outcome: detect.Failed, AnswersProbe: true})
	}
}

func (s *fleetSensor) finish(at time.Time) {
	s.eng.Flush(at)
	s.x.Flush()
}

// threeSensorScan runs the scenario: three sensors each see 3 refused
// ports of one target, under their threshold.
func threeSensorScan(t *testing.T, out func(*render.Document)) []*fleetSensor {
	t.Helper()
	var ss []*fleetSensor
	for i, name := range []string{"edge-a", "edge-b", "edge-c"} {
		s := newFleetSensor(t, name, out)
		base := uint16(100 * (i + 1))
		s.scan(t0.Add(time.Duration(i)*time.Second), base, base+1, base+2)
		s.finish(t0.Add(time.Minute))
		if len(s.alerts) != 0 {
			t.Fatalf("sensor %s alerted alone: %s", name, s.alerts[0].Message)
		}
		ss = append(ss, s)
	}
	return ss
}

// phasesOf checks every alert against the published schema (fleet alerts
// honour the contract like any other) and returns the starts and ends of
// action, and the alerts of other actions.
func phasesOf(t *testing.T, alerts []*detect.Alert, action detect.Action) (starts, ends, others []*detect.Alert) {
	t.Helper()
	for _, a := range alerts {
		if doc, err := render.Render(a, render.ECS); err != nil {
			t.Error(err)
		} else if err := testkit.ValidAlert(doc); err != nil {
			t.Errorf("%s alert outside deploy/schema/alert.schema.json: %v", a.Event.Action, err)
		}
		switch {
		case a.Event.Action != action:
			others = append(others, a)
		case a.Portsnare.Phase == detect.PhaseStart:
			starts = append(starts, a)
		case a.Portsnare.Phase == detect.PhaseEnd:
			ends = append(ends, a)
		}
	}
	return starts, ends, others
}

func checkFleetPortscan(t *testing.T, alerts []*detect.Alert) {
	t.Helper()
	starts, ends, others := phasesOf(t, alerts, "fleet-portscan")
	for _, a := range others {
		t.Errorf("unexpected %s alert: %s", a.Event.Action, a.Message)
	}
	if len(starts) != 1 || len(ends) != 1 {
		t.Fatalf("%d starts, %d ends of fleet-portscan, want one each (%d alerts)", len(starts), len(ends), len(alerts))
	}
	end := ends[0]
	if fd := end.Portsnare.Fleet; fd == nil || !slices.Equal(fd.Sensors, []string{"edge-a", "edge-b", "edge-c"}) ||
		!slices.Equal(fd.Targets, []string{target.String()}) || fd.Records != 9 {
		t.Errorf("fleet data %+v", end.Portsnare.Fleet)
	}
	if end.Observer.Type != "fleet" || end.Observer.Hostname != "corr-1" || end.Source.IP != scanner.String() {
		t.Errorf("observer %+v source %s", end.Observer, end.Source.IP)
	}
	if sc := end.Portsnare.Scan; sc.Ports != 9 || sc.Failed != 9 {
		t.Errorf("scan: ports %d failed %d, want 9 and 9", sc.Ports, sc.Failed)
	}
}

// Three sensors each see 3 ports of one host and none alerts; merged,
// their evidence is one fleet port scan naming all three.
func TestCorrelatorJoinsThreeSensors(t *testing.T) {
	var docs []*render.Document
	threeSensorScan(t, func(d *render.Document) { docs = append(docs, d) })
	_, alerts := correlateDocs(t, docs, nil)
	checkFleetPortscan(t, alerts)
}

// correlateDocs decodes the evidence documents docs (see collect.batches)
// and feeds their records, those keep takes when it is set, to a new
// correlator that wants two sensors, then flushes it an hour after t0.
func correlateDocs(t *testing.T, docs []*render.Document, keep func(*Record) bool) (*Correlator, []*detect.Alert) {
	t.Helper()
	var alerts []*detect.Alert
	c, err := NewCorrelator(CorrelateConfig{Name: "corr-1", MinSensors: 2}, detect.DefaultConfig(), nil,
		func(a *detect.Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range (&collect{docs: docs}).batches(t) {
		if keep != nil {
			b.Records = slices.DeleteFunc(b.Records, func(r Record) bool { return !keep(&r) })
		}
		c.Add(b)
	}
	c.Flush(t0.Add(time.Hour))
	return c, alerts
}

// A source one sensor saw alone, or one a sensor alerted on itself, is
// that sensor's to report: the fleet raises nothing.
func TestCorrelatorLeavesSensorsTheirOwn(t *testing.T) {
	var docs []*render.Document
	alone := newFleetSensor(t, "edge-a", func(d *render.Document) { docs = append(docs, d) })
	ports := make([]uint16, 30)
	for i := range ports {
		ports[i] = uint16(i + 1)
	}
	alone.scan(t0, ports...)
	alone.finish(t0.Add(time.Minute))
	if len(alone.alerts) == 0 {
		t.Fatal("the sensor did not alert on its own scan")
	}
	other := newFleetSensor(t, "edge-b", func(d *render.Document) { docs = append(docs, d) })
	other.scan(t0.Add(time.Second), 200, 201)
	other.finish(t0.Add(time.Minute))
	c, alerts := correlateDocs(t, docs, nil)
	if len(alerts) != 0 {
		t.Errorf("fleet re-raised a sensor's alert: %s", alerts[0].Message)
	}
	if st := c.Stats(); st.SensorAlerted+st.SingleSensor == 0 {
		t.Errorf("nothing counted as withheld: %+v", st)
	}
}

// The same, through NATS: the sensors' evidence rides their spools to a
// JetStream stream on an embedded server, and the correlator consumes it
// through its durable consumer.
func TestFleetThroughJetStream(t *testing.T) {
	srv := testkit.NATSServer(t)
	url := srv.ClientURL()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	ncfg := evidenceConfig(url)
	var pubs []*publish.Publisher
	var mu sync.Mutex
	route := map[string]*publish.Publisher{}
	for _, name := range []string{"edge-a", "edge-b", "edge-c"} {
		p := evidencePublisher(t, ctx, ncfg)
		pubs = append(pubs, p)
		route[name] = p
	}
	threeSensorScan(t, func(d *render.Document) {
		mu.Lock()
		defer mu.Unlock()
		route[d.Sensor].Publish(d)
	})
	for _, p := range pubs {
		if err := p.Flush(ctx); err != nil {
			t.Fatalf("evidence not published: %v", err)
		}
	}

	js := testkit.JetStream(t, url)
	alerts := make(chan *detect.Alert, 16)
	corr, err := NewCorrelator(CorrelateConfig{Name: "corr-1", MinSensors: 2}, detect.DefaultConfig(), nil,
		func(a *detect.Alert) { alerts <- a })
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := ParsePartitions("", DefaultConfig().Partitions)
	cctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- Consume(cctx, js, ConsumeOptions{Stream: "PORTSNARE_EVIDENCE", Prefix: "portsnare", Partitions: parts,
			Consumer: "correlate-test", Fleet: DefaultConfig()}, corr, func() { stop() })
	}()
	if err := <-done; err != nil { // ends at the first idle fetch: all consumed
		t.Fatal(err)
	}
	if st := corr.Stats(); st.Records != 9 {
		t.Fatalf("correlator took %d records, want 9 (each stored once)", st.Records)
	}
	corr.Flush(t0.Add(time.Hour))
	close(alerts)
	var got []*detect.Alert
	for a := range alerts {
		got = append(got, a)
	}
	checkFleetPortscan(t, got)
}

// evidencePublisher starts a publisher with cfg and a spool of its own, as
// each sensor has, running until ctx ends.
// evidenceConfig is a sensor's evidence publisher's configuration, for
// the servers at urls.
func evidenceConfig(urls ...string) publish.Config {
	c := publish.DefaultConfig()
	c.URLs = urls
	c.Stream, c.Kinds = "PORTSNARE_EVIDENCE", []string{KindEvidence}
	return c
}

func evidencePublisher(t *testing.T, ctx context.Context, cfg publish.Config) *publish.Publisher {
	t.Helper()
	cfg.SpoolDir = t.TempDir()
	p, err := publish.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.Run(ctx) }()
	return p
}
