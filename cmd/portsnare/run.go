package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor"
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
func (a *app) runSensor(ctx context.Context, cfg Config, log *slog.Logger, toStdout bool) error {
	disp := newDispatcher(log)
	if toStdout {
		out := newAlertWriter(a.stdout, func(err error) { log.Error("writing alerts to standard output", "err", err) })
		disp.add("stdout", func(al *detect.Alert) {
			out.Write(al)
			_ = out.Flush() // a live sensor writes each alert as it comes
		})
	}

	sens, err := sensor.NewSensor(sensor.LiveOptions{
		Capture: cfg.Capture,
		Engine:  cfg.Detect,
		Alerts:  disp.Send,
		Logger:  log,
	})
	if err != nil {
		return err
	}
	if err := dropPrivileges(cfg.Run.User, log); err != nil {
		return err
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	metrics := newMetrics(sens, disp)
	g, gctx := errgroup.WithContext(ctx)
	// The sensor stops when ctx ends, flushes its episodes through the
	// dispatcher, and only then is the dispatcher told to finish.
	g.Go(func() error {
		defer disp.Close()
		return sens.Run(gctx)
	})
	g.Go(func() error { return disp.Run() })
	if cfg.Metrics.Listen != "" {
		g.Go(func() error { return metrics.Serve(gctx, cfg.Metrics.Listen, log) })
	}
	g.Go(func() error {
		for {
			select {
			case <-gctx.Done():
				return nil
			case <-hup:
				log.Info("SIGHUP: nothing to reload yet beyond the log (the allowlist and honeyports reload here when configured)")
			}
		}
	})
	err = g.Wait()
	st := sens.Stats()
	log.Info("sensor stopped", "packets", st.KernelPackets, "kernel_drops", st.KernelDrops,
		"decode_errors", st.Decode.DecodeErrors, "alerts", disp.Sent(), "alerts_dropped", disp.Dropped())
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if n := disp.Dropped(); n > 0 {
		return fmt.Errorf("%d alerts could not be delivered to every sink (see the log)", n)
	}
	return nil
}
