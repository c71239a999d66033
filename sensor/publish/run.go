package publish

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/portsnare/portsnare/sensor/publish/spool"
)

// runState is what Run shares with Flush, Stats and Close.
type runState struct {
	conn      atomic.Pointer[nats.Conn]
	done      chan struct{} // closed when Run has returned
	errMu     sync.Mutex
	lastErr   error
	connErrAt time.Time // of the last failed attempt to connect
	closeMu   sync.Mutex
	freed     bool
	// cutCtx ends when the flush is cut short (CutFlush).
	cutCtx context.Context
	cut    context.CancelFunc
}

func (p *Publisher) setLastError(err error) {
	p.run.errMu.Lock()
	p.run.lastErr = err
	p.run.errMu.Unlock()
}

// setConnError records a failed attempt to connect or reconnect: the sign
// that the server is unreachable, not merely slow.
func (p *Publisher) setConnError(err error) {
	p.run.errMu.Lock()
	p.run.lastErr, p.run.connErrAt = err, time.Now()
	p.run.errMu.Unlock()
}

// lastError is the last error recorded and when connecting last failed.
func (p *Publisher) lastError() (connErrAt time.Time, err error) {
	p.run.errMu.Lock()
	defer p.run.errMu.Unlock()
	return p.run.connErrAt, p.run.lastErr
}

// Run moves alerts from the queue to the spool and from the spool to
// JetStream until ctx ends. It then keeps publishing, for at most
// nats.flush_timeout and only while connected, until everything queued and
// spooled is acknowledged; what is left stays in the spool for the next
// run. Then it closes the spool, the connection and the embedded server,
// and returns nil.
//
// Cancel ctx after the last Publish (once the engine has flushed its
// episodes), so that the final summaries go out too: alerts published after
// Run has returned are dropped and counted.
//
// Run returns an error early only for what retrying cannot cure: refused
// credentials, a TLS failure, a server without JetStream, a stream that
// exists with other subjects. An unreachable server is not one of them:
// Run keeps trying, and alerts wait in the spool.
func (p *Publisher) Run(ctx context.Context) error {
	if !p.ran.CompareAndSwap(false, true) {
		return errors.New("publish: Run called twice")
	}
	stop := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		p.writeLoop(stop)
	}()

	err := p.sendLoop(ctx)

	// No Publish can queue after this, so the writer's last drain is
	// complete.
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	close(stop)
	<-writerDone
	p.drops.flush()
	if nc := p.run.conn.Load(); nc != nil {
		nc.Close()
	}
	st := p.Stats()
	p.free()
	if err != nil {
		p.setLastError(err)
	}
	attrs := []any{"published", st.Published, "not_published", st.Spooled, "dropped", st.Dropped}
	if st.Spooled > 0 {
		p.log.Warn("publisher stopped; the alerts not published stay in the spool", append(attrs, "spool", p.cfg.SpoolDir)...)
	} else {
		p.log.Info("publisher stopped", attrs...)
	}
	close(p.run.done)
	return err
}

// Close releases what New opened — the spool and the embedded server —
// when Run is not going to be called; alerts already published are
// spooled, for the next run. After Run it does nothing.
func (p *Publisher) Close() error {
	if p.ran.CompareAndSwap(false, true) {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		for b := p.drain(nil); len(b) > 0; b = p.drain(b[:0]) {
			p.store(b)
		}
		close(p.run.done)
		return p.free()
	}
	return nil
}

func (p *Publisher) free() error {
	p.run.closeMu.Lock()
	defer p.run.closeMu.Unlock()
	if p.run.freed {
		return nil
	}
	p.run.freed = true
	err := p.spool.Close()
	if p.embedded != nil {
		p.embedded.Shutdown()
	}
	return err
}

// writeLoop moves queued alerts to the spool, a batch at a time (one
// write and one fsync each), until stop is closed; then it moves what is
// left.
func (p *Publisher) writeLoop(stop <-chan struct{}) {
	tick := time.NewTicker(dropInterval)
	defer tick.Stop()
	batch := make([]queued, 0, writeBatch)
	for {
		select {
		case q := <-p.queue:
			p.store(p.drain(append(batch[:0], q)))
		case <-tick.C:
			p.drops.flush()
		case <-stop:
			for {
				b := p.drain(batch[:0])
				if len(b) == 0 {
					return
				}
				p.store(b)
			}
		}
	}
}

const writeBatch = 512

// drain adds to b what the queue holds now, up to writeBatch.
func (p *Publisher) drain(b []queued) []queued {
	for len(b) < writeBatch {
		select {
		case q := <-p.queue:
			b = append(b, q)
		default:
			return b
		}
	}
	return b
}

// store appends b to the spool and accounts for what did not fit.
func (p *Publisher) store(b []queued) {
	in := make([]spool.Input, len(b))
	for i, q := range b {
		in[i] = spool.Input{Payload: q.env, Keep: q.keep}
	}
	// The move from queue to spool is one step for pending(): counted in
	// both for a moment, an alert would be reported twice.
	p.moving.Lock()
	res, err := p.spool.Append(in)
	p.queued.Add(-int64(len(b)))
	p.moving.Unlock()
	if err != nil {
		p.stats.errors.Add(1)
	}
	if res.Evicted > 0 {
		p.dropped(&p.stats.droppedSpool, "spool full: oldest start/update alerts evicted (episode summaries are kept)", res.Evicted, nil)
	}
	if res.Refused > 0 {
		p.dropped(&p.stats.droppedSpool, "spool full of episode summaries: new alerts refused", res.Refused, nil)
	}
	if res.Failed > 0 {
		p.dropped(&p.stats.droppedWrite, "writing to the spool failed", res.Failed, err)
	}
}
