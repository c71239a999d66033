package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portsnare/portsnare/internal/fleet"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

// evidence is a sensor's side of fleet correlation (fleet.enabled): the
// exporter the engine feeds, and the publisher that carries its batches
// through a spool of their own to the evidence stream. A nil *evidence is
// fleet correlation turned off; its methods then do nothing.
type evidence struct {
	x    *fleet.Exporter
	pub  *publish.Publisher
	done chan error
}

// newEvidence sets cfg's engine up to export evidence when fleet.enabled.
// Call it before the engine is made; open once the alert publisher is.
func newEvidence(cfg *Config, log *slog.Logger) *evidence {
	if !cfg.Fleet.Enabled {
		return nil
	}
	ev := &evidence{done: make(chan error, 1)}
	ev.x = fleet.NewExporter(cfg.Fleet, cfg.Detect.Sensor, func(d *render.Document) { ev.pub.Publish(d) }, log)
	cfg.Detect.Evidence = ev.x
	return ev
}

// evidenceNATS is the evidence publisher's configuration: the alert
// publisher's servers and credentials, the fleet stream and its limits,
// and a spool of its own beside the alerts' (so that a flood of evidence
// can never push alerts out of theirs).
func evidenceNATS(cfg *Config, alerts *publish.Publisher) publish.Config {
	n := cfg.NATS
	n.SetDefaults()
	n.Stream, n.MaxAge, n.MaxBytes, n.Replicas = cfg.Fleet.Stream, cfg.Fleet.MaxAge, cfg.Fleet.MaxBytes, cfg.Fleet.Replicas
	n.DuplicateWindow = min(n.DuplicateWindow, n.MaxAge)
	n.Kinds = []string{fleet.KindEvidence}
	n.SpoolDir = strings.TrimRight(n.SpoolDir, string(filepath.Separator)) + "-evidence"
	if alerts != nil && alerts.Embedded() != nil {
		n.URLs = []string{alerts.Embedded().ClientURL()}
	}
	return n
}

// open makes the evidence publisher, next to alerts (whose embedded
// server it shares).
func (ev *evidence) open(cfg *Config, alerts *publish.Publisher, log *slog.Logger) error {
	if ev == nil {
		return nil
	}
	var err error
	ev.pub, err = publish.New(evidenceNATS(cfg, alerts), log.With("stream", cfg.Fleet.Stream))
	return err
}

// run starts the publisher and the exporter's batch timer until ctx ends.
func (ev *evidence) run(ctx context.Context) {
	if ev == nil {
		return
	}
	go func() { ev.done <- ev.pub.Run(ctx) }()
	go func() { _ = ev.x.Run(ctx) }()
}

// flush closes the last batch; call it once the engine has flushed.
func (ev *evidence) flush() {
	if ev != nil {
		ev.x.Flush()
	}
}

// wait waits for the publisher to end (its context cancelled), logging
// what it sent and what waits in its spool.
func (ev *evidence) wait(log *slog.Logger) {
	if ev == nil {
		return
	}
	if err := <-ev.done; err != nil {
		log.Error("publishing fleet evidence", "err", err)
	}
	xs, ps := ev.x.Stats(), ev.pub.Stats()
	log.Info("fleet evidence", "records", xs.Records, "shed", xs.Shed, "batches_published", ps.Published,
		"left_in_spool", ps.Spooled, "dropped", ps.Dropped)
}

var (
	descEvRecords = prometheus.NewDesc("portsnare_fleet_evidence_records_total",
		"Fleet evidence records: published (batched for the evidence stream) and shed (over fleet.max_rate).", []string{"result"}, nil)
	descEvBatches = prometheus.NewDesc("portsnare_fleet_evidence_batches_total",
		"Evidence batches acknowledged by JetStream, and those waiting in the evidence spool.", []string{"state"}, nil)
)

// addEvidence exports the evidence counters.
func (m *metrics) addEvidence(ev *evidence) {
	if ev == nil {
		return
	}
	m.reg.MustRegister(&funcCollector{descs: []*prometheus.Desc{descEvRecords, descEvBatches}, fns: []func(chan<- prometheus.Metric){func(ch chan<- prometheus.Metric) {
		xs, ps := ev.x.Stats(), ev.pub.Stats()
		ch <- prometheus.MustNewConstMetric(descEvRecords, prometheus.CounterValue, float64(xs.Records), "published")
		ch <- prometheus.MustNewConstMetric(descEvRecords, prometheus.CounterValue, float64(xs.Shed), "shed")
		ch <- prometheus.MustNewConstMetric(descEvBatches, prometheus.CounterValue, float64(ps.Published), "acknowledged")
		ch <- prometheus.MustNewConstMetric(descEvBatches, prometheus.GaugeValue, float64(ps.Spooled), "spooled")
	}}})
}
