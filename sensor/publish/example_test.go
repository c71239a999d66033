package publish_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

// How a sensor wires the publisher: Publish from the alert sink, Run
// beside the pipeline, and Run's context cancelled only once the pipeline
// has returned, so that the summaries it flushes on its way out are
// published (or spooled for the next run).
func Example() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg := publish.DefaultConfig() // from the nats.* keys
	p, err := publish.New(cfg, log)
	if err != nil {
		log.Error("nats", "error", err)
		return
	}
	pubCtx, stopPublisher := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(pubCtx) }()

	// The engine's alerts are rendered (ECS or OCSF) before they are
	// published; Publish never blocks.
	sink := func(a *detect.Alert) {
		d, err := render.Make(a, render.ECS)
		if err != nil {
			log.Error("alert not rendered", "event_id", a.Event.ID, "error", err)
			return
		}
		p.Publish(d)
	}
	runPipeline(sink) // until SIGTERM, then flushes its episodes through sink

	stopPublisher()
	if err := <-done; err != nil {
		log.Error("nats", "error", err)
	}
	st := p.Stats()
	log.Info("alerts", "published", st.Published, "left_in_spool", st.Spooled, "dropped", st.Dropped)
}

func runPipeline(func(*detect.Alert)) {}
