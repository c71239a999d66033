package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"

	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish/spool"
)

// QueueLen is how many encoded alerts wait in memory between Publish and
// the spool: enough for the burst a replay or a flood of honeyport touches
// raises while the writer fsyncs.
const QueueLen = 4096

// Publisher sends alerts to a JetStream stream through an on-disk spool.
// Publish and PublishWait may be called from any goroutine; Run does the
// work and is called once.
type Publisher struct {
	cfg      Config
	log      *slog.Logger
	spool    *spool.Spool
	embedded *Embedded
	natsOpts []nats.Option
	url      string // what the client connects to, for messages

	queue  chan queued
	mu     sync.RWMutex // guards closed against a send on queue
	moving sync.Mutex   // held while a batch moves from queue to spool (see pending)
	closed bool
	ran    atomic.Bool

	// queued counts alerts handed to Publish and not yet in the spool, so
	// that Flush knows when everything raised so far has gone out.
	queued atomic.Int64
	// wake tells the sender that the connection is back.
	wake  chan struct{}
	drops *dropReporter
	stats counters
	run   runState
}

// queued is an encoded alert on its way to the spool.
type queued struct {
	env  []byte
	keep bool
}

// New opens the spool (reloading what an earlier run left), starts the
// embedded server when no URL is configured, and checks that the TLS and
// credential files load. It does not connect: Run does, and keeps trying,
// so a sensor starts and spools while NATS is down. cfg is completed with
// SetDefaults and validated.
func New(cfg Config, log *slog.Logger) (*Publisher, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "publish")
	p := &Publisher{
		cfg:   cfg,
		log:   log,
		queue: make(chan queued, QueueLen),
		wake:  make(chan struct{}, 1),
		drops: newDropReporter(log),
		run:   runState{done: make(chan struct{})},
	}
	p.run.cutCtx, p.run.cut = newCutContext()
	var err error
	if p.natsOpts, err = p.clientOptions(); err != nil {
		return nil, err
	}
	if p.spool, err = spool.Open(spool.Options{Dir: cfg.SpoolDir, MaxBytes: int64(cfg.SpoolMaxBytes)}); err != nil {
		return nil, fmt.Errorf("nats.spool_dir: %w", err)
	}
	st := p.spool.Stats()
	if st.Records > 0 {
		log.Info("spooled alerts from an earlier run will be published", "alerts", st.Records, "spool", cfg.SpoolDir)
	}
	if st.Corrupt > 0 {
		p.stats.corrupt.Add(st.Corrupt)
		log.Error("damaged spool records skipped: the alerts they held are lost", "damaged", st.Corrupt, "bytes", st.CorruptBytes, "spool", cfg.SpoolDir)
	}
	p.url = strings.Join(cfg.URLs, ",")
	if cfg.Embedded() {
		if p.embedded, err = StartEmbedded(cfg, log); err != nil {
			p.spool.Close()
			return nil, err
		}
		p.url = p.embedded.ClientURL()
		// In-process: no socket, and nothing a local firewall can break.
		p.natsOpts = append(p.natsOpts, nats.InProcessServer(p.embedded.Server()))
	}
	return p, nil
}

// URL is the server (or servers) alerts go to, credentials hidden: it is
// for logs and output.
func (p *Publisher) URL() string { return Redact(p.url) }

// Embedded returns the embedded server, nil when publishing to external
// servers.
func (p *Publisher) Embedded() *Embedded { return p.embedded }

// Publish hands d, a rendered alert, to the publisher and returns at once:
// it never blocks and does no I/O (bar a rate-limited log line when it
// drops), so it can be called on the packet path. Its envelope is built
// here, in a few microseconds; d may be reused afterwards. When the queue is full (the
// spool's disk cannot keep up) or Run has ended, the alert is dropped,
// counted and logged.
func (p *Publisher) Publish(d *render.Document) {
	env, err := encodeDoc(d)
	if err != nil {
		p.dropped(&p.stats.droppedEncode, "cannot encode", 1, err)
		return
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		p.dropped(&p.stats.droppedClosed, "publisher stopped", 1, nil)
		return
	}
	p.queued.Add(1)
	select {
	case p.queue <- queued{env: env, keep: d.Summary()}:
	default:
		p.queued.Add(-1)
		p.dropped(&p.stats.droppedQueue, "queue full (the spool's disk is not keeping up)", 1, nil)
	}
}

// PublishWait is Publish for a producer that can wait, such as a replay:
// when the queue is full it waits for room, until ctx ends.
func (p *Publisher) PublishWait(ctx context.Context, d *render.Document) error {
	env, err := encodeDoc(d)
	if err != nil {
		p.dropped(&p.stats.droppedEncode, "cannot encode", 1, err)
		return err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		p.dropped(&p.stats.droppedClosed, "publisher stopped", 1, nil)
		return errClosed
	}
	p.queued.Add(1)
	q := queued{env: env, keep: d.Summary()}
	select {
	case p.queue <- q: // room: queued even if ctx has ended
		return nil
	default:
	}
	select {
	case p.queue <- q:
		return nil
	case <-ctx.Done():
		p.queued.Add(-1)
		p.dropped(&p.stats.droppedQueue, "queue full", 1, nil)
		return ctx.Err()
	}
}

var errClosed = errors.New("publish: publisher stopped")

// dropped counts n lost alerts under counter and reports them.
func (p *Publisher) dropped(counter *atomic.Uint64, reason string, n int, err error) {
	counter.Add(uint64(n))
	p.drops.add(reason, n, err)
}
