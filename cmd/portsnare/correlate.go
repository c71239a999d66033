package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/fleet"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

func (a *app) correlateCommand() *cobra.Command {
	var partitions string
	cmd := &cobra.Command{
		Use:     "correlate [--partitions LIST] [-c FILE] [--nats URL]",
		Short:   "Fleet correlator: merge the sensors' evidence, raise fleet alerts",
		Long:    correlateLong,
		Example: correlateExample,
		Args:    cobra.NoArgs,
		RunE: action(func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := a.setup(cmd)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("partitions") {
				cfg.Correlate.Partitions = partitions
			}
			return a.runCorrelator(cmd.Context(), cfg, log)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&partitions, "partitions", "", "evidence partitions this instance owns (`LIST`: 0-3,8); overrides correlate.partitions")
	addConfigFlags(f, natsFlags)
	return cmd
}

// runCorrelator consumes evidence until ctx ends, and publishes fleet
// alerts through a spool of its own.
func (a *app) runCorrelator(ctx context.Context, cfg Config, log *slog.Logger) error {
	parts, err := fleet.ParsePartitions(cfg.Correlate.Partitions, cfg.Fleet.Partitions)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("correlate.partitions %v", err)}
	}
	if cfg.Correlate.Name == "" {
		cfg.Correlate.Name, _ = os.Hostname()
	}
	consumer := cfg.Correlate.Consumer
	if consumer == "" {
		consumer = "correlate-" + publish.Token(cfg.Correlate.Name)
	}
	url, err := publish.ReadURL(cfg.NATS)
	if err != nil {
		return err
	}
	// Fleet alerts go to the alert stream through their own spool: never
	// an embedded server of their own, and never a sensor's spool.
	ncfg := cfg.NATS
	ncfg.SetDefaults()
	ncfg.URLs = []string{url}
	ncfg.SpoolDir += "-correlate"
	pub, err := publish.New(ncfg, log)
	if err != nil {
		return err
	}
	disp := newDispatcher(log, cfg.format())
	disp.add("nats", func(d *render.Document) {
		d.Sensor = fleet.FleetSensor // <prefix>.alert.fleet.<action>, whichever instance raised it
		pub.Publish(d)
	})
	allow, err := allowlist.New(cfg.Allowlist, allowlist.Options{Logger: log})
	if err != nil {
		return err
	}
	corr, err := fleet.NewCorrelator(cfg.Correlate, cfg.Detect, allow, disp.Send)
	if err != nil {
		return err
	}
	nc, js, err := publish.DialJetStream(cfg.NATS, "portsnare correlate")
	if err != nil {
		return err
	}
	defer nc.Close()
	var lag atomic.Int64
	pubCtx, stopPub := context.WithCancel(context.Background())
	pubDone := make(chan error, 1)
	go func() { pubDone <- pub.Run(pubCtx) }()
	if cfg.Metrics.Listen != "" {
		m := &metrics{reg: prometheus.NewRegistry()}
		m.addPublisher(pub)
		m.addCorrelator(corr, &lag)
		m.reg.MustRegister(&funcCollector{fns: m.extra, descs: []*prometheus.Desc{descPubPublished, descPubSpooled,
			descPubSpoolBytes, descPubConnected, descPubDropped, descPubErrors, descCorrEvidence, descCorrLag, descCorrAlerts}})
		go func() { _ = m.Serve(ctx, cfg.Metrics.Listen, log) }()
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return disp.Run() })
	g.Go(func() error {
		defer disp.Close()
		// With no new evidence, packet time follows the wall clock, so
		// that idle fleet episodes end.
		err := fleet.Consume(gctx, js, fleet.ConsumeOptions{Stream: cfg.Fleet.Stream, Prefix: ncfg.SubjectPrefix,
			Partitions: parts, Consumer: consumer, Fleet: cfg.Fleet, Log: log, Lag: &lag},
			corr, func() { corr.Tick(time.Now()) })
		corr.Flush(time.Now())
		return err
	})
	err = g.Wait()
	stopPub()
	if perr := <-pubDone; perr != nil && err == nil {
		err = fmt.Errorf("publishing fleet alerts: %w", perr)
	}
	st := corr.Stats()
	log.Info("correlator stopped", "batches", st.Batches, "records", st.Records, "fleet_alerts", st.Alerts, "campaign_alerts", st.Campaigns,
		"withheld_single_sensor", st.SingleSensor, "withheld_sensor_alerted", st.SensorAlerted)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

var (
	descCorrEvidence = prometheus.NewDesc("portsnare_correlate_evidence_total",
		"Evidence taken by the correlator: batches and records.", []string{"unit"}, nil)
	descCorrLag = prometheus.NewDesc("portsnare_correlate_consumer_lag",
		"Evidence messages in the stream this instance's consumer has not yet taken.", nil, nil)
	descCorrAlerts = prometheus.NewDesc("portsnare_correlate_alerts_total",
		"Fleet alerts raised (fleet-* and campaign), and engine alerts withheld (one sensor alone, or a sensor alerted itself).", []string{"result"}, nil)
)

// addCorrelator exports the correlator's counters and its consumer lag.
func (m *metrics) addCorrelator(c *fleet.Correlator, lag *atomic.Int64) {
	m.extra = append(m.extra, func(ch chan<- prometheus.Metric) {
		st := c.Stats()
		ch <- prometheus.MustNewConstMetric(descCorrEvidence, prometheus.CounterValue, float64(st.Batches), "batches")
		ch <- prometheus.MustNewConstMetric(descCorrEvidence, prometheus.CounterValue, float64(st.Records), "records")
		ch <- prometheus.MustNewConstMetric(descCorrLag, prometheus.GaugeValue, float64(lag.Load()))
		ch <- prometheus.MustNewConstMetric(descCorrAlerts, prometheus.CounterValue, float64(st.Alerts), "raised")
		ch <- prometheus.MustNewConstMetric(descCorrAlerts, prometheus.CounterValue, float64(st.Campaigns), "campaign")
		ch <- prometheus.MustNewConstMetric(descCorrAlerts, prometheus.CounterValue, float64(st.SingleSensor), "single_sensor")
		ch <- prometheus.MustNewConstMetric(descCorrAlerts, prometheus.CounterValue, float64(st.SensorAlerted), "sensor_alerted")
	})
}

var _ detect.Policy = (*allowlist.List)(nil)
