package fleet

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

// natsCluster runs three nats-server nodes clustered on loopback, each
// with JetStream in a directory of its own. They run in the test process
// (nats-server/v2): the correlator's consumer filters several subjects,
// which nats-server 2.10 brought, and Debian's nats-server is 2.9.
func natsCluster(t *testing.T) []*server.Server {
	t.Helper()
	var route [3]int
	for i := range route {
		route[i] = int(testkit.FreePort(t, "tcp", "127.0.0.1"))
	}
	var routes []string
	for _, p := range route {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
	}
	nodes := make([]*server.Server, 3)
	for i := range nodes {
		nodes[i] = testkit.NATSServer(t, func(o *server.Options) {
			o.ServerName = fmt.Sprintf("n%d", i+1)
			o.Cluster = server.ClusterOpts{Name: "portsnare-e2e", Host: "127.0.0.1", Port: route[i]}
			o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		})
	}
	return nodes
}

// clusterSensor is a sensor engine exporting evidence through a publisher
// to the cluster, as portsnare run with fleet.enabled does.
type clusterSensor struct {
	name string
	eng  *detect.Engine
	x    *Exporter
	pub  *publish.Publisher
	own  []*detect.Alert // alerts of its own: the engine calls back on the feeding goroutine
}

// With three nats-server nodes clustered on loopback and the evidence
// stream replicated three times, a node going down in the middle of the
// sensors' evidence loses none and doubles none: the correlator takes
// every record once, and raises one fleet port scan per scanner.
func TestE2EFleetClusterSurvivesNodeLoss(t *testing.T) {
	testkit.RequireE2E(t)
	nodes := natsCluster(t)
	urls := []string{nodes[0].ClientURL(), nodes[1].ClientURL(), nodes[2].ClientURL()}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	ncfg := evidenceConfig(urls...)
	ncfg.Replicas = 3
	var sensors []*clusterSensor
	for _, name := range []string{"edge-a", "edge-b", "edge-c"} {
		pub := evidencePublisher(t, ctx, ncfg)
		s := &clusterSensor{name: name, pub: pub}
		s.x = NewExporter(testConfig(), name, pub.Publish, nil)
		dcfg := detect.DefaultConfig()
		dcfg.Sensor, dcfg.Evidence = name, s.x
		var err error
		if s.eng, err = detect.New(dcfg, func(a *detect.Alert) { s.own = append(s.own, a) }); err != nil {
			t.Fatal(err)
		}
		sensors = append(sensors, s)
	}
	// Each scanner probes three ports of its own target behind every
	// sensor: nine refused ports in all, three on each sensor.
	const scanners = 10
	scan := func(k int) {
		src, dst := netip.AddrFrom4([4]byte{198, 18, 0, byte(10 + k)}), netip.AddrFrom4([4]byte{198, 18, 1, byte(10 + k)})
		at := t0.Add(time.Duration(k) * 10 * time.Second)
		for i, s := range sensors {
			for j := range 3 {
				now := at.Add(time.Duration(3*i+j) * 10 * time.Millisecond)
				port := uint16(100*(i+1) + j)
				s.eng.Probe(&detect.Probe{Time: now, Src: src, Dst: dst, Proto: detect.ProtoTCP, Technique: detect.TechSYN,
					SrcPort: 41000, DstPort: port, Seq: 77, Window: 1024, TTL: 48, FP: detect.FPMSSOnly})
				s.eng.Reply(&detect.Reply{Time: now.Add(time.Millisecond), Prober: src, Target: dst, Proto: detect.ProtoTCP,
					ProberPort: 41000, TargetPort: port, Outcome: detect.Failed, AnswersProbe: true})
			}
		}
	}
	flush := func(what string) {
		for _, s := range sensors {
			s.x.Flush()
			fctx, stop := context.WithTimeout(ctx, 2*time.Minute)
			err := s.pub.Flush(fctx)
			stop()
			if err != nil {
				t.Fatalf("%s: evidence of %s not acknowledged: %v", what, s.name, err)
			}
		}
	}
	for k := range scanners / 2 {
		scan(k)
	}
	flush("before the node loss")
	// One node goes down mid-run.
	nodes[0].Shutdown()
	nodes[0].WaitForShutdown()
	for k := scanners / 2; k < scanners; k++ {
		scan(k)
	}
	for _, s := range sensors {
		s.eng.Flush(t0.Add(time.Hour))
	}
	flush("after the node loss")
	for _, s := range sensors {
		if len(s.own) != 0 {
			t.Fatalf("sensor %s alerted alone: %s", s.name, s.own[0].Message)
		}
	}

	js := testkit.JetStream(t, strings.Join(urls[1:], ","))
	// The remaining nodes answer for the stream once it has a leader.
	var lastErr error
	if !testkit.Until(time.Minute, nil, func() bool {
		sctx, stop := context.WithTimeout(ctx, 5*time.Second)
		defer stop()
		st, err := js.Stream(sctx, "PORTSNARE_EVIDENCE")
		if err == nil {
			var info *jetstream.StreamInfo
			if info, err = st.Info(sctx); err == nil && info.Config.Replicas != 3 {
				t.Fatalf("evidence stream has %d replicas, want 3", info.Config.Replicas)
			}
		}
		lastErr = err
		return err == nil
	}) {
		t.Fatalf("evidence stream unavailable after the node loss: %v", lastErr)
	}
	var mu sync.Mutex
	var alerts []*detect.Alert
	corr, err := NewCorrelator(CorrelateConfig{Name: "corr-1", MinSensors: 2}, detect.DefaultConfig(), nil,
		func(a *detect.Alert) { mu.Lock(); alerts = append(alerts, a); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := ParsePartitions("", DefaultConfig().Partitions)
	const want = scanners * 3 * 3
	var idleAfterAll atomic.Int32
	cctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- Consume(cctx, js, ConsumeOptions{Stream: "PORTSNARE_EVIDENCE", Prefix: "portsnare", Partitions: parts,
			Consumer: "correlate-e2e", Fleet: DefaultConfig()}, corr, func() {
			if corr.Stats().Records >= want {
				idleAfterAll.Add(1)
			}
		})
	}()
	// All taken, and one fetch more found nothing further to take.
	ended := make(chan struct{})
	var consumeErr error
	go func() { consumeErr = <-done; close(ended) }()
	if !testkit.Until(2*time.Minute, ended, func() bool { return idleAfterAll.Load() > 0 }) {
		<-ended
		if consumeErr != nil {
			t.Fatal(consumeErr)
		}
		t.Fatalf("timed out waiting for the correlator to take %d evidence records: %+v", want, corr.Stats())
	}
	stop()
	if <-ended; consumeErr != nil {
		t.Fatal(consumeErr)
	}
	if st := corr.Stats(); st.Records != want {
		t.Fatalf("correlator took %d records, want %d: evidence lost or doubled", st.Records, want)
	}
	corr.Flush(t0.Add(2 * time.Hour))
	starts := map[string]int{}
	for _, a := range alerts {
		if a.Event.Action != "fleet-portscan" {
			t.Errorf("unexpected %s alert: %s", a.Event.Action, a.Message)
		}
		if a.Portsnare.Phase == detect.PhaseStart {
			starts[a.Source.IP]++
		}
		if a.Portsnare.Phase == detect.PhaseEnd && len(a.Portsnare.Fleet.Sensors) != 3 {
			t.Errorf("fleet alert on %s names sensors %v, want three", a.Source.IP, a.Portsnare.Fleet.Sensors)
		}
	}
	if len(starts) != scanners {
		t.Errorf("fleet port scans of %d scanners, want %d", len(starts), scanners)
	}
	for src, n := range starts {
		if n != 1 {
			t.Errorf("scanner %s: %d fleet port scans started, want one", src, n)
		}
	}
}
