package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/honeyport"
	"github.com/portsnare/portsnare/internal/enrich"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor"
	"github.com/portsnare/portsnare/sensor/publish"
)

func (a *app) runCommand() *cobra.Command {
	var toStdout bool
	cmd := &cobra.Command{
		Use:     "run [-i IFACE]... [-c FILE] [--stdout]",
		Short:   "Run the live sensor",
		Long:    runLong,
		Example: runExample,
		Args:    cobra.NoArgs,
		RunE: action(func(cmd *cobra.Command, _ []string) error {
			// Refused before the configuration is read: on a system
			// without live capture no configuration could make it run.
			if err := sensor.LiveSupported(); err != nil {
				return err
			}
			cfg, log, err := a.setup(cmd)
			if err != nil {
				return err
			}
			return a.runSensor(cmd.Context(), cfg, log, toStdout)
		}),
	}
	cmd.Flags().BoolVar(&toStdout, "stdout", false, "also write alert JSON lines to standard output")
	addConfigFlags(cmd.Flags(), slices.Concat(engineFlags, runFlags))
	return cmd
}

// runSensor runs the live sensor until ctx ends (SIGINT or SIGTERM).
//
// Shutdown runs in dependency order: the decoys stop first and hand their
// last touches to the engine; then capture stops and the engine flushes
// every open episode into the dispatcher; the dispatcher drains into the
// sinks; and the publisher, last, publishes or spools what it was given.
// A second signal cuts only that last publishing short (see stopSignals).
func (a *app) runSensor(ctx context.Context, cfg Config, log *slog.Logger, toStdout bool) (err error) {
	disp := newDispatcher(log, cfg.format())
	if toStdout {
		out := newAlertWriter(a.stdout, func(err error) { log.Error("writing alerts to standard output", "err", err) })
		disp.add("stdout", func(doc *render.Document) {
			out.Write(doc)
			_ = out.Flush() // a live sensor writes each alert as it comes
		})
	}

	// The allowlist exists even with no rules, so that a reload can add some.
	allow, err := allowlist.New(cfg.Allowlist, allowlist.Options{Logger: log})
	if err != nil {
		return err
	}
	episodes, windows := &allowlist.EpisodeCounter{}, &allowlist.WindowCounter{}
	disp.observe(func(a *detect.Alert) {
		episodes.Observe(a)
		windows.Observe(a)
	})
	enr, err := newEnricher(cfg, log)
	if err != nil {
		return err
	}
	// Dark ports are watched by capture; decoys never take them.
	cfg.Capture.DarkPorts = cfg.Honeyport.DarkPorts
	ev := newEvidence(&cfg, log) // fleet evidence, when fleet.enabled
	sens, err := sensor.NewSensor(sensor.LiveOptions{
		Capture: cfg.Capture,
		Engine:  cfg.Detect,
		// Enriched once, on the engine's goroutine, before the dispatcher
		// shares the alert with every sink: a lookup per alert, and alerts
		// are rare.
		Alerts: enr.Wrap(disp.Send),
		Policy: allowlist.NewCoverage(allow), // verified: each rule's windows are reported
		Logger: log,
	})
	if err != nil {
		return err
	}
	running := false
	var decoys *honeyport.Decoys
	defer func() {
		if !running { // a failure before the sensor ran: release what is open
			sens.Close()
			if decoys != nil {
				closeDecoys(decoys)
			}
		}
	}()
	if cfg.Honeyport.Enabled {
		if decoys, err = honeyport.New(cfg.Honeyport, sens.Touch, log); err != nil {
			return err
		}
		// Bound before privileges are dropped: ports below 1024 need them.
		if err := decoys.Open(); err != nil {
			return err
		}
		sens.WatchDecoys(func() []uint16 { return decoyTCPPorts(decoys) })
	}
	if err := dropPrivileges(cfg.Run.User, log, func(uid, gid int) error {
		// The spool and the embedded server's store must stay writable.
		cfg.NATS.SetDefaults()
		return cfg.NATS.ChownDirs(uid, gid)
	}); err != nil {
		return err
	}
	pub, err := publish.New(cfg.NATS, log)
	if err != nil {
		return err
	}
	disp.add("nats", pub.Publish)
	if err := ev.open(&cfg, pub, log); err != nil {
		return err
	}
	if pub.Embedded() != nil {
		log.Info("embedded NATS server", "url", pub.URL())
	}
	running = true
	sigs := watchStopSignals(log, pub.CutFlush)
	defer sigs.stop()
	// The publisher outlives the pipeline: the summaries the sensor flushes
	// on its way out are published (or spooled for the next start) after
	// capture has stopped.
	pubCtx, stopPublisher := context.WithCancel(context.Background())
	pubDone := make(chan error, 1)
	go func() { pubDone <- pub.Run(pubCtx) }()
	ev.run(pubCtx)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	metrics := newMetrics(sens, disp)
	metrics.addPublisher(pub)
	metrics.addEnrich(enr)
	metrics.addEvidence(ev)
	metrics.addAllowlist(allow, episodes, windows)
	if decoys != nil {
		metrics.addHoneyport(decoys)
	}
	g, gctx := errgroup.WithContext(ctx)
	// Capture stops once the decoys have delivered their last touches.
	sensCtx, stopSensor := context.WithCancel(context.Background())
	decoysDone := make(chan struct{})
	if decoys != nil {
		g.Go(func() error {
			defer close(decoysDone)
			return decoys.Run(gctx)
		})
	} else {
		close(decoysDone)
	}
	g.Go(func() error {
		<-gctx.Done()
		<-decoysDone
		stopSensor()
		return nil
	})
	g.Go(func() error {
		defer disp.Close()
		if err := sens.Run(sensCtx); err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		if gctx.Err() == nil { // capture ended on its own: end the rest too
			return errors.New("capture stopped")
		}
		return nil
	})
	g.Go(func() error { return disp.Run() })
	g.Go(func() error { return allow.Run(gctx) })
	g.Go(func() error { return enr.Run(gctx) })
	if cfg.Metrics.Listen != "" {
		g.Go(func() error { return metrics.Serve(gctx, cfg.Metrics.Listen, log) })
	}
	// A publisher that gives up (wrong credentials, a stream it cannot
	// use) stops the sensor rather than let it run without delivering.
	var pubErr error
	pubExited := false
	g.Go(func() error {
		select {
		case pubErr = <-pubDone:
			pubExited = true
			if pubErr == nil {
				pubErr = errors.New("the publisher stopped")
			}
			return fmt.Errorf("publishing alerts: %w", pubErr)
		case <-gctx.Done():
			return nil
		}
	})
	g.Go(func() error {
		for {
			select {
			case <-gctx.Done():
				return nil
			case <-hup:
				if cfg, ok := a.reload(allow, decoys, log); ok {
					reloadEnrich(enr, cfg, log)
				}
			}
		}
	})
	err = g.Wait()
	ev.flush() // the engine has flushed: its last evidence
	stopPublisher()
	ev.wait(log)
	if !pubExited {
		if perr := <-pubDone; perr != nil && (err == nil || errors.Is(err, context.Canceled)) {
			err = fmt.Errorf("publishing alerts: %w", perr)
		}
	}
	ps := pub.Stats()
	log.Info("alerts to NATS", "published", ps.Published, "left_in_spool", ps.Spooled, "dropped", ps.Dropped)
	st := sens.Stats()
	log.Info("sensor stopped", "packets", st.KernelPackets, "kernel_drops", st.KernelDrops,
		"decode_errors", st.Decode.DecodeErrors, "alerts", disp.Sent(), "alerts_dropped", disp.Dropped(),
		"touches_dropped", st.TouchesDropped)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if sig := sigs.second(); sig != nil {
		spool := cfg.NATS // as the publisher resolved it
		spool.SetDefaults()
		return fmt.Errorf("stopped by a second signal (%v) before publishing to NATS finished: %d alerts wait in the spool %s for the next start",
			sig, ps.Spooled, spool.SpoolDir)
	}
	if n := disp.Dropped() + ps.Dropped; n > 0 {
		return fmt.Errorf("%d alerts could not be delivered to every sink (see the log)", n)
	}
	return nil
}

// decoyTCPPorts lists the TCP ports decoys hold now, each once: capture
// judges a SYN to one as a touch, which a half-open scan never completes.
func decoyTCPPorts(d *honeyport.Decoys) []uint16 {
	var ports []uint16
	for _, h := range d.Ports() {
		if h.Proto == detect.ProtoTCP && !slices.Contains(ports, h.Num) {
			ports = append(ports, h.Num)
		}
	}
	return ports
}

// closeDecoys releases decoys that were opened but never run: Run with an
// ended context closes what Open bound.
func closeDecoys(d *honeyport.Decoys) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_ = d.Run(done)
}

// reload re-reads the configuration on SIGHUP and applies what can change
// while running: the allowlist (inline rules and the rules file) and the
// honeyport ports, banners and limits. An invalid configuration is rejected
// with its problems and the running one stays. It returns the configuration
// read, and whether it was valid, for the parts applied elsewhere.
func (a *app) reload(allow *allowlist.List, decoys *honeyport.Decoys, log *slog.Logger) (Config, bool) {
	cfg, err := loadConfig(a.configPath, a.flags)
	if err != nil {
		if since, ok := reportedByAllowlist(err, allow); ok {
			// The allowlist file is watched, and its watcher logged this
			// rejection when the edit was made: one line, not the same
			// problems again.
			log.Error("SIGHUP: configuration rejected, the running one stays in force: the allowlist file is still the one rejected above",
				"rejected_at", since.Format(time.RFC3339))
			return cfg, false
		}
		log.Error("SIGHUP: configuration rejected, the running one stays in force", "err", err)
		return cfg, false
	}
	// The allowlist logs its own outcome (trigger=update), rejected or
	// reloaded; a line here would say it twice.
	_ = allow.Update(cfg.Allowlist.Rules)
	if decoys != nil {
		if err := decoys.Reload(cfg.Honeyport); err != nil {
			log.Error("SIGHUP: honeyport configuration rejected, the running one stays in force", "err", err)
		} else {
			log.Info("SIGHUP: honeyports reloaded", "ports", len(decoys.Ports()))
		}
	} else if cfg.Honeyport.Enabled {
		log.Warn("SIGHUP: honeyport.enabled is now true; decoys start only with the sensor (restart it)")
	}
	return cfg, true
}

// reloadEnrich applies the internal networks of a configuration re-read on
// SIGHUP and reads the enrichment files again; a file that fails keeps the
// one in force (the enricher logs each outcome).
func reloadEnrich(enr *enrich.Enricher, cfg Config, log *slog.Logger) {
	if err := enr.Update(cfg.enrichConfig()); err != nil {
		log.Error("SIGHUP: enrichment partly rejected; what was rejected stays as it was", "err", err)
		return
	}
	log.Info("SIGHUP: enrichment reloaded")
}

// reportedByAllowlist tells whether every problem of a rejected
// configuration is one of the allowlist file's that allow has already
// logged (its last rejection), and when that was.
func reportedByAllowlist(err error, allow *allowlist.List) (time.Time, bool) {
	var ce *configError
	st := allow.Stats()
	if !errors.As(err, &ce) || st.LastError == "" {
		return time.Time{}, false
	}
	logged := strings.Split(st.LastError, "; ")
	for _, p := range ce.problems {
		core, ok := strings.CutPrefix(p, "allowlist.file: ")
		if !ok || !slices.ContainsFunc(logged, func(l string) bool { return l != "" && strings.HasPrefix(core, l) }) {
			return time.Time{}, false
		}
	}
	return st.LastFailure, true
}
