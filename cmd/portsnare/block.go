package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/portsnare/portsnare/internal/block"
)

// blockFlags are on portsnare block (and check-config).
var blockFlags = []configFlag{
	{name: "timeout", key: "block.timeout"},
	{name: "create-rule", key: "block.create_rule"},
	{name: "listen", key: "block.metrics_listen"},
}

func (a *app) blockCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:     "block [-c FILE] [--dry-run] [--timeout DURATION] [--create-rule] [--nats URL]",
		Short:   "Keep the sources of alerts in nftables sets, to drop scanners",
		Long:    blockLong,
		Example: blockExample,
		Args:    cobra.NoArgs,
		RunE: action(func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := a.setup(cmd)
			if err != nil {
				return err
			}
			o := block.Options{NATS: cfg.NATS, Internal: cfg.Network.Internal, Log: log}
			if dryRun {
				o.DryRun = a.stdout
			}
			svc, err := block.New(cfg.Block, o)
			if err != nil {
				return err
			}
			defer svc.Close()
			g, ctx := errgroup.WithContext(cmd.Context())
			g.Go(func() error { return svc.Run(ctx) })
			// A dry run serves no metrics: the service it previews may be
			// running on this host, on the same address.
			if cfg.Block.MetricsListen != "" && !dryRun {
				g.Go(func() error { return serveBlockMetrics(ctx, svc, cfg.Block.MetricsListen, log) })
			}
			return g.Wait()
		}),
	}
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "print what would be blocked and why not, touching no nftables and leaving no consumer on the server")
	addConfigFlags(cmd.Flags(), append(blockFlags[:len(blockFlags):len(blockFlags)], natsFlags...))
	return cmd
}

// serveBlockMetrics serves the block service's counters on addr.
func serveBlockMetrics(ctx context.Context, svc *block.Service, addr string, log *slog.Logger) error {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), blockCollector{svc})
	return m.Serve(ctx, addr, log)
}

var (
	descBlockBlocked = prometheus.NewDesc("portsnare_block_blocked_total",
		"Sources added to the sets.", nil, nil)
	descBlockExtended = prometheus.NewDesc("portsnare_block_extended_total",
		"Blocks extended by a later alert of the source.", nil, nil)
	descBlockHeld = prometheus.NewDesc("portsnare_block_held_total",
		"Alerts for a source already blocked at least as long.", nil, nil)
	descBlockSkipped = prometheus.NewDesc("portsnare_block_skipped_total",
		"Alerts that blocked nobody, by reason (suppressed, spoofable, internal, own-address, never, expired, full, ...).", []string{"reason"}, nil)
	descBlockErrors = prometheus.NewDesc("portsnare_block_errors_total",
		"nftables operations that failed (each is logged).", nil, nil)
	descBlockElements = prometheus.NewDesc("portsnare_block_elements",
		"Sources blocked now by this service's account.", nil, nil)
	descBlockPending = prometheus.NewDesc("portsnare_block_consumer_pending",
		"Alerts stored in the stream and not yet delivered to the consumer: its lag.", nil, nil)
)

// blockCollector reads the service's counters at scrape time.
type blockCollector struct{ svc *block.Service }

func (c blockCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBlockBlocked, descBlockExtended, descBlockHeld, descBlockSkipped,
		descBlockErrors, descBlockElements, descBlockPending} {
		ch <- d
	}
}

func (c blockCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.svc.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(descBlockBlocked, st.Blocked)
	counter(descBlockExtended, st.Extended)
	counter(descBlockHeld, st.Held)
	counter(descBlockErrors, st.Errors)
	for _, r := range block.Reasons {
		counter(descBlockSkipped, st.Skipped[r], string(r))
	}
	ch <- prometheus.MustNewConstMetric(descBlockElements, prometheus.GaugeValue, float64(st.Elements))
	ch <- prometheus.MustNewConstMetric(descBlockPending, prometheus.GaugeValue, float64(st.Pending))
}
