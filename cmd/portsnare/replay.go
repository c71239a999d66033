package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor"
)

func (a *app) replayCommand() *cobra.Command {
	var noProgress, quiet bool
	cmd := &cobra.Command{
		Use:     "replay [flags] FILE...",
		Short:   "Replay capture files through the detection engine",
		Long:    replayLong,
		Example: replayExample,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("replay needs at least one capture FILE")
			}
			return nil
		},
		RunE: action(func(cmd *cobra.Command, files []string) error {
			cfg, log, err := a.setup(cmd)
			if err != nil {
				return err
			}
			var progress io.Writer // nil: no progress bar
			if !noProgress && !quiet && isTerminal(a.stderr) {
				progress = a.stderr
			}
			var pub *replayPublisher // nil: no --nats, no publishing
			var ev *replayEvidence   // nil: no --nats or no fleet.enabled
			if cmd.Flags().Changed("nats") {
				if pub, err = startReplayPublisher(cmd.Context(), cfg.NATS, log); err != nil {
					return err
				}
				if ev, err = startReplayEvidence(cmd.Context(), &cfg, log); err != nil {
					_ = pub.stop()
					return err
				}
			}
			return a.replay(cmd.Context(), cfg, log, files, progress, quiet, pub, ev)
		}),
	}
	cmd.Flags().BoolVar(&noProgress, "no-progress", false, "no progress bar, even on a terminal")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no summary and no progress bar on standard error")
	addConfigFlags(cmd.Flags(), engineFlags)
	addConfigFlags(cmd.Flags(), natsFlags)
	return cmd
}

// replay runs files through the engine, alerts to standard output and the
// summary to standard error. Once reading has begun, the summary is printed
// however the replay ends, since what was read before a failure or a signal
// is still worth seeing.
func (a *app) replay(ctx context.Context, cfg Config, log *slog.Logger, files []string, progress io.Writer, quiet bool, pub *replayPublisher, ev *replayEvidence) error {
	// A failed write to standard output (a closed pipe, a full disk) stops
	// the replay: reading on would only raise alerts that cannot be written.
	replayCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer pub.stop() // when the replay fails before it reads; after settle, nothing
	defer ev.stop()
	out := newAlertWriter(a.stdout, cancel)

	// Loaded once: a replay judges with the rules as they are now, at each
	// probe's packet time, as the live run would have.
	list, err := newAllowlist(cfg.Allowlist, log)
	if err != nil {
		return err
	}
	var policy detect.Policy
	if list != nil {
		// Never a typed nil in the interface. The coverage accounts make
		// the same reports, window by window, as the live run did.
		policy = allowlist.NewCoverage(list)
	}
	// Also loaded once: a replay places its sources with the databases and
	// lists as they are now.
	enr, err := newEnricher(cfg, log)
	if err != nil {
		return err
	}
	stats, err := sensor.Replay(replayCtx, sensor.ReplayOptions{
		Files:    files,
		Engine:   cfg.Detect,
		Alerts:   enr.Wrap(pub.wrap(renderTo(cfg.format(), out.Write, cancel))), // enriched once, before rendering and every sink
		Progress: progress,
		Logger:   log,
		Policy:   policy,
	})
	werr := out.Flush()
	// Replay checks every file before it reads any: when that check fails,
	// nothing was replayed and a summary of nothing would only bury the error.
	checkFailed := err != nil && len(stats.Files) == 0 && ctx.Err() == nil
	if !quiet && !checkFailed {
		stats.Summary(a.stderr)
	}
	// After the summary, since they may wait for NATS; both publishers
	// are stopped before either reports, so nothing logs meanwhile.
	pub.settle()
	ev.settle()
	nerr := errors.Join(pub.report(a.stderr, quiet), ev.report(a.stderr, quiet))
	switch {
	case werr != nil:
		return errors.Join(fmt.Errorf("writing alerts: %w", werr), nerr)
	case err != nil && ctx.Err() != nil: // a signal; one after the end changes nothing
		return errors.Join(fmt.Errorf("replay interrupted (%v): the output covers only the packets read until then", context.Cause(ctx)), nerr)
	}
	return errors.Join(err, nerr)
}

// isTerminal reports whether w is a terminal, where a progress bar helps;
// in a file or a pipe it would be noise.
func isTerminal(w io.Writer) bool {
	if l, ok := w.(*lockedWriter); ok {
		w = l.w
	}
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// renderTo returns an alert callback that renders each alert once, in
// format, and hands the document to write. An alert that cannot be rendered
// stops the replay, as a failed write does: it must not be lost silently.
func renderTo(format render.Format, write func(*render.Document), stop context.CancelCauseFunc) func(*detect.Alert) *render.Document {
	return func(a *detect.Alert) *render.Document {
		doc, err := render.Make(a, format)
		if err != nil {
			stop(fmt.Errorf("rendering alert %s: %w", a.Event.ID, err))
			return nil
		}
		write(doc)
		return doc
	}
}
