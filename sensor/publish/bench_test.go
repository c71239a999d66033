package publish

import (
	"context"
	"log/slog"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// BenchmarkPublish measures alerts published end to end — encoded, queued,
// spooled with fsync, sent, acknowledged by JetStream (file storage) and
// forgotten by the spool — against the embedded server, as a sensor with
// the default configuration runs. It reports alerts/s.
func BenchmarkPublish(b *testing.B) {
	cfg := testConfig(b, "", "")
	cfg.Listen = "127.0.0.1:0"
	p, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	alerts := make([]*detect.Alert, 1024)
	for i := range alerts {
		alerts[i] = alert(i, detect.PhaseStart)
	}
	b.ReportAllocs()
	b.ResetTimer()
	// A plain loop rather than b.Loop: the timer must cover the final Flush,
	// so that ns/op and alerts/s are both the end-to-end figure.
	for i := range b.N {
		a := alerts[i%len(alerts)]
		a.Event.ID = "bench-" + itoa(i) // distinct, or JetStream would de-duplicate
		if err := p.PublishWait(ctx, doc(a)); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "alerts/s")
	if st := p.Stats(); st.Dropped != 0 || st.Published != uint64(b.N) {
		b.Fatalf("stats: %+v", st)
	}
}
