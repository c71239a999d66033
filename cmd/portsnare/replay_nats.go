package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

// replayPublisher publishes a replay's alerts to NATS (replay --nats)
// besides writing them to standard output. Its spool is a temporary
// directory: a replay is a one-off, so what it cannot publish by the end is
// reported, not kept for a later run.
type replayPublisher struct {
	p       *publish.Publisher
	cfg     publish.Config
	dir     string
	ctx     context.Context // the replay's: a full queue waits no longer
	cancel  context.CancelFunc
	done    chan error
	stopped bool
	what    string // what it publishes, for the messages: "alerts", "evidence batches"
	// what settle found, for report
	flushErr, runErr error
}

// startReplayPublisher starts publishing to cfg's servers, which must be
// given: a replay never starts an embedded server.
func startReplayPublisher(ctx context.Context, cfg publish.Config, log *slog.Logger) (*replayPublisher, error) {
	if len(cfg.URLs) == 0 {
		return nil, &exitError{code: exitUsage, err: errors.New("--nats needs the URL of a NATS server")}
	}
	dir, err := os.MkdirTemp("", "portsnare-replay-spool-")
	if err != nil {
		return nil, err
	}
	cfg.SpoolDir = dir
	p, err := publish.New(cfg, log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Run outlives a signal to the replay, so that the alerts printed so far
	// are still published within nats.flush_timeout.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &replayPublisher{p: p, cfg: cfg, dir: dir, ctx: ctx, cancel: cancel, done: make(chan error, 1), what: "alerts"}
	go func() { r.done <- p.Run(runCtx) }()
	return r, nil
}

// wrap returns the replay's alert callback: write (which renders the
// alert), then publish the same document. A replay can wait, so a full
// queue holds up the engine instead of dropping.
func (r *replayPublisher) wrap(write func(*detect.Alert) *render.Document) func(*detect.Alert) {
	if r == nil {
		return func(a *detect.Alert) { write(a) }
	}
	return func(a *detect.Alert) {
		if doc := write(a); doc != nil {
			_ = r.p.PublishWait(r.ctx, doc) // a failure is counted; report says so
		}
	}
}

// settle waits until JetStream has acknowledged every alert, or gives up
// after nats.flush_timeout or as soon as the server proves unreachable;
// then it stops the publisher and removes the spool, so that it logs
// nothing more while report writes.
func (r *replayPublisher) settle() {
	if r == nil || r.stopped {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.FlushTimeout)
	defer cancel()
	r.flushErr = r.p.Flush(ctx)
	r.runErr = r.stop()
}

// report says what settle found: an error, or unless quiet a line on w
// saying what was published.
func (r *replayPublisher) report(w io.Writer, quiet bool) error {
	if r == nil {
		return nil
	}
	flushErr, runErr, st := r.flushErr, r.runErr, r.p.Stats()
	// Alerts are on standard output whatever NATS did; evidence is not.
	onStdout := "; the alerts are on standard output only"
	if r.what != "alerts" {
		onStdout = ""
	}
	switch {
	case runErr != nil:
		return fmt.Errorf("publishing %s to NATS: %w%s", r.what, runErr, onStdout)
	case flushErr != nil:
		return fmt.Errorf("publishing %s to NATS: %w%s", r.what, flushErr, onStdout)
	case st.Dropped > 0:
		return fmt.Errorf("publishing %s to NATS: %d were dropped (see the log)%s", r.what, st.Dropped, onStdout)
	}
	if !quiet {
		fmt.Fprintf(w, "NATS: %d %s published to %s, stream %s", st.Published, r.what, r.p.URL(), r.cfg.Stream)
		if st.Duplicates > 0 {
			fmt.Fprintf(w, " (%d already there: same event id)", st.Duplicates)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// stop ends the publisher and removes its spool, publishing nothing more;
// a replay that fails before it starts reading calls it (deferred), and
// after settle it does nothing.
func (r *replayPublisher) stop() error {
	if r == nil || r.stopped {
		return nil
	}
	r.stopped = true
	r.cancel()
	err := <-r.done
	os.RemoveAll(r.dir)
	return err
}
