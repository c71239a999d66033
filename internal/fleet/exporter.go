package fleet

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

// KindEvidence is the subject kind of evidence: <prefix>.evidence.<sensor>.<partition>.
const KindEvidence = "evidence"

// ExporterStats are the exporter's counters.
type ExporterStats struct {
	Records uint64 // records written into batches
	Batches uint64 // batches handed to the publisher
	Shed    uint64 // records over max_rate, not sent
	Errors  uint64 // batches that could not be encoded
}

// Exporter is a sensor's evidence sink (detect.EvidenceSink): it sheds
// records over the rate limit and batches the rest for the publisher.
// Evidence is called on the engine's goroutine and never blocks on I/O nor
// allocates: records wait in a fixed buffer, and are encoded when a batch
// closes — after Interval of packet time, when the buffer is full, when
// Run sees a batch open for Interval of wall time (a quiet live sensor),
// or on Flush.
type Exporter struct {
	sensor     string
	partitions int
	interval   time.Duration
	out        func(*render.Document)
	log        *slog.Logger

	mu        sync.Mutex
	lim       limiter // every record
	limOK     limiter // accepted contacts, besides: at most a quarter of lim's rate
	pending   []detect.Evidence
	first     time.Time // packet time of the first pending record
	openedAt  time.Time // wall time the pending batch was opened
	byPart    map[int]*Batch
	records   atomic.Uint64
	batches   atomic.Uint64
	shed      atomic.Uint64
	encodeErr atomic.Uint64
}

// NewExporter returns the exporter of sensor's evidence (cfg validated),
// handing each batch to out (the evidence publisher's Publish).
func NewExporter(cfg Config, sensor string, out func(*render.Document), log *slog.Logger) *Exporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Exporter{
		sensor:     sensor,
		partitions: cfg.Partitions,
		interval:   cfg.BatchInterval,
		out:        out,
		log:        log.With("component", "fleet-evidence"),
		lim:        newLimiter(cfg.MaxRate),
		limOK:      newLimiter(acceptedRate(cfg.MaxRate)),
		pending:    make([]detect.Evidence, 0, MaxBatchRecords),
		byPart:     make(map[int]*Batch),
	}
}

// Evidence takes one record from the engine (see detect.EvidenceSink).
func (x *Exporter) Evidence(ev *detect.Evidence) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if (ev.Kind == detect.EvidenceAccepted && !x.limOK.allow(ev.Time)) || !x.lim.allow(ev.Time) {
		x.shed.Add(1)
		return
	}
	if n := len(x.pending); n > 0 && (n == cap(x.pending) || ev.Time.Sub(x.first) >= x.interval) {
		x.flushLocked()
	}
	if len(x.pending) == 0 {
		x.first = ev.Time
		x.openedAt = time.Now()
	}
	x.pending = append(x.pending, *ev)
}

// acceptedRate is the most accepted contacts a second: a quarter of
// max_rate, so that a busy server's clients, accepted by the thousand,
// leave three quarters of the evidence budget to failures. max_rate
// bounds all records together.
func acceptedRate(maxRate int) int { return max(1, maxRate/4) }

// Flush closes the open batch, as at the end of a replay or on shutdown.
func (x *Exporter) Flush() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.flushLocked()
}

// Run closes batches left open for an interval of wall time, so that a
// quiet sensor's last evidence does not wait for its next packet.
func (x *Exporter) Run(ctx context.Context) error {
	t := time.NewTicker(x.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			x.mu.Lock()
			if len(x.pending) > 0 && now.Sub(x.openedAt) >= x.interval {
				x.flushLocked()
			}
			x.mu.Unlock()
		}
	}
}

// Stats returns the counters.
func (x *Exporter) Stats() ExporterStats {
	return ExporterStats{Records: x.records.Load(), Batches: x.batches.Load(), Shed: x.shed.Load(), Errors: x.encodeErr.Load()}
}

// flushLocked writes the pending records as one batch per partition, in
// partition order, and empties the buffer.
func (x *Exporter) flushLocked() {
	if len(x.pending) == 0 {
		return
	}
	clear(x.byPart)
	order := make([]int, 0, 8)
	for i := range x.pending {
		ev := &x.pending[i]
		p := Partition(ev.Source, x.partitions)
		b := x.byPart[p]
		if b == nil {
			b = &Batch{V: BatchVersion, Sensor: x.sensor, Partition: p, First: ev.Time.UTC()}
			x.byPart[p] = b
			order = append(order, p)
		}
		b.Records = append(b.Records, recordOf(ev))
		b.Last = ev.Time.UTC()
	}
	n := len(x.pending)
	clear(x.pending) // drop the references the records hold
	x.pending = x.pending[:0]
	for _, p := range order {
		b := x.byPart[p]
		body, id, err := b.Encode()
		if err != nil {
			x.encodeErr.Add(1)
			x.log.Error("evidence batch not encoded: dropped", "records", len(b.Records), "err", err)
			continue
		}
		x.out(&render.Document{ID: id, Sensor: x.sensor, Action: KindEvidence, Body: body,
			Subject: Subject(x.sensor, p)})
		x.batches.Add(1)
	}
	x.records.Add(uint64(n))
}

// Subject is the subject of sensor's evidence of partition p, without
// the prefix.
func Subject(sensor string, p int) string {
	return KindEvidence + "." + publish.Token(sensor) + "." + strconv.Itoa(p)
}
