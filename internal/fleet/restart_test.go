package fleet

import (
	"context"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// A correlator that stops and starts again resumes from its durable
// consumer: the second run takes only the evidence published since the
// first acknowledged its own, so every record is taken once.
func TestCorrelatorResumesFromItsConsumer(t *testing.T) {
	srv := testkit.NATSServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ncfg := evidenceConfig(srv.ClientURL())

	// sensor scans 3 ports of the target as name and publishes its evidence.
	sensor := func(name string, base uint16, at time.Time) {
		pub := evidencePublisher(t, ctx, ncfg)
		s := newFleetSensor(t, name, pub.Publish)
		s.scan(at, base, base+1, base+2)
		s.finish(at.Add(time.Minute))
		if err := pub.Flush(ctx); err != nil {
			t.Fatalf("evidence of %s not published: %v", name, err)
		}
	}
	js := testkit.JetStream(t, srv.ClientURL())
	// run consumes through the durable consumer until it finds nothing new.
	run := func() uint64 {
		corr, err := NewCorrelator(CorrelateConfig{Name: "corr-1", MinSensors: 2}, detect.DefaultConfig(), nil,
			func(*detect.Alert) {})
		if err != nil {
			t.Fatal(err)
		}
		parts, _ := ParsePartitions("", DefaultConfig().Partitions)
		cctx, stop := context.WithCancel(ctx)
		defer stop()
		if err := Consume(cctx, js, ConsumeOptions{Stream: "PORTSNARE_EVIDENCE", Prefix: "portsnare", Partitions: parts,
			Consumer: "correlate-restart", Fleet: DefaultConfig()}, corr, stop); err != nil {
			t.Fatal(err)
		}
		return corr.Stats().Records
	}

	sensor("edge-a", 100, t0)
	if n := run(); n != 3 {
		t.Fatalf("first run took %d records, want edge-a's 3", n)
	}
	sensor("edge-b", 200, t0.Add(time.Second))
	sensor("edge-c", 300, t0.Add(2*time.Second))
	if n := run(); n != 6 {
		t.Errorf("after a restart the correlator took %d records, want the 6 published since (edge-b's and edge-c's)", n)
	}
	if n := run(); n != 0 {
		t.Errorf("a third run took %d records, want none", n)
	}
}
