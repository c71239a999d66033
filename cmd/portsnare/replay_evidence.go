package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/portsnare/portsnare/internal/fleet"
	"github.com/portsnare/portsnare/internal/render"
)

// replayEvidence publishes a replay's fleet evidence (replay --nats with
// fleet.enabled) to the evidence stream, as the live sensor named
// sensor.name would have: captures of several sensors, each replayed
// under its sensor's name, reach the correlator like their live runs. A
// nil *replayEvidence publishes nothing.
type replayEvidence struct {
	x    *fleet.Exporter
	pub  *replayPublisher
	rate int // fleet.max_rate
}

// startReplayEvidence sets cfg's engine up to export evidence to the
// servers of --nats, when fleet.enabled. Batches close by packet time and
// at the end of the replay, so the same captures give the same batches,
// which JetStream then stores once (their message ids are their digests).
func startReplayEvidence(ctx context.Context, cfg *Config, log *slog.Logger) (*replayEvidence, error) {
	if !cfg.Fleet.Enabled {
		return nil, nil
	}
	pub, err := startReplayPublisher(ctx, evidenceNATS(cfg, nil), log.With("stream", cfg.Fleet.Stream))
	if err != nil {
		return nil, err
	}
	pub.what = "evidence batches"
	ev := &replayEvidence{pub: pub, rate: cfg.Fleet.MaxRate}
	// A replay can wait: a full queue holds the engine up instead of
	// shedding evidence the live sensor would have sent.
	ev.x = fleet.NewExporter(cfg.Fleet, cfg.Detect.Sensor, func(d *render.Document) {
		_ = pub.p.PublishWait(pub.ctx, d) // a failure is counted; report says so
	}, log)
	cfg.Detect.Evidence = ev.x
	return ev, nil
}

// settle closes the last batch (the engine has flushed), waits for
// JetStream to acknowledge every batch and stops the publisher, as
// replayPublisher.settle does.
func (ev *replayEvidence) settle() {
	if ev == nil {
		return
	}
	ev.x.Flush()
	ev.pub.settle()
}

// report says what settle found, as replayPublisher.report does, and how
// much evidence was shed.
func (ev *replayEvidence) report(w io.Writer, quiet bool) error {
	if ev == nil {
		return nil
	}
	err := ev.pub.report(w, quiet)
	if st := ev.x.Stats(); st.Shed > 0 && !quiet {
		// Over fleet.max_rate, as on the live sensor: said, not an error.
		fmt.Fprintf(w, "fleet evidence: %d records over fleet.max_rate (%d a second of packet time) were shed\n", st.Shed, ev.rate)
	}
	return err
}

// stop ends the publisher when the replay fails before reading.
func (ev *replayEvidence) stop() error {
	if ev == nil {
		return nil
	}
	return ev.pub.stop()
}
