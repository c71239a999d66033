package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/sensor/publish/spool"
)

// sendBatch is how many spooled alerts are in flight at once. JetStream
// handles one connection's messages in order, so a window keeps the order
// of a one-at-a-time publish at a fraction of its round trips.
const sendBatch = 256

// sendLoop connects and publishes the spool's records in order until ctx
// ends, then drains (see Run).
func (p *Publisher) sendLoop(ctx context.Context) error {
	nc, err := p.dial(ctx)
	if nc == nil {
		return err // permanent, or ctx ended before a connection
	}
	p.run.conn.Store(nc)
	js, err := jetstream.New(nc,
		jetstream.WithPublishAsyncTimeout(p.cfg.PublishTimeout),
		jetstream.WithPublishAsyncMaxPending(2*sendBatch))
	if err != nil {
		return err
	}
	var (
		streamOK bool
		everOK   bool      // the stream was ensured once
		noJS     int       // JetStream API requests unanswered before that
		deadline time.Time // of the drain, once ctx has ended
		failing  bool
		wait     = firstWait
	)
	fail := func(err error) {
		p.stats.errors.Add(1)
		p.setLastError(err)
		if !failing {
			p.log.Warn("publishing to NATS failed; alerts are kept in the spool and retried", "url", Redact(p.url), "error", err)
			failing = true
		} else {
			p.log.Debug("publishing to NATS failed again", "error", err)
		}
	}
	for {
		if ctx.Err() != nil && deadline.IsZero() {
			deadline = time.Now().Add(p.cfg.FlushTimeout)
		}
		draining := !deadline.IsZero()
		if draining && (time.Now().After(deadline) || !nc.IsConnected() || p.run.cutCtx.Err() != nil) {
			return nil
		}
		opCtx, cancel := p.opContext(ctx, deadline)
		if !streamOK {
			err := p.ensureStream(opCtx, js)
			cancel()
			var perm errPermanent
			if errors.As(err, &perm) {
				return err
			}
			if errors.Is(err, nats.ErrNoResponders) && !everOK {
				// Nothing answers the JetStream API: a server without
				// JetStream, or a cluster electing its leader. Only the
				// first lasts: at start-up, after a few tries, it is the
				// configuration; later, it is an outage to ride out.
				if noJS++; noJS >= 5 {
					return fmt.Errorf("NATS at %s does not answer JetStream requests: is JetStream enabled (nats-server -js)? %w", Redact(p.url), err)
				}
			}
			if err != nil {
				fail(err)
				p.pause(ctx, deadline, &wait)
				continue
			}
			streamOK, everOK = true, true
			wait = firstWait
			opCtx, cancel = p.opContext(ctx, deadline)
		}
		recs, err := p.spool.Take(sendBatch)
		if errors.Is(err, spool.ErrClosed) {
			cancel()
			return err // nothing left to do
		}
		if err != nil && len(recs) == 0 {
			// A read error (EIO, a file that could not be reopened): the
			// records stay in the spool; try again shortly.
			cancel()
			p.stats.errors.Add(1)
			p.log.Warn("reading the spool failed; retrying", "error", err)
			p.idle(ctx, draining)
			continue
		}
		if len(recs) == 0 {
			cancel()
			if draining && p.queued.Load() == 0 {
				return nil
			}
			p.idle(ctx, draining)
			continue
		}
		last, err := p.sendRecords(opCtx, js, recs)
		cancel()
		if derr := p.spool.Done(last); derr != nil {
			p.log.Error("spool: recording published alerts failed; they may be sent again", "error", derr)
		}
		if err != nil {
			if errors.Is(err, jetstream.ErrNoStreamResponse) {
				streamOK = false // deleted under us, or not there yet
			}
			fail(err)
			p.pause(ctx, deadline, &wait)
			continue
		}
		if failing {
			p.log.Info("publishing to NATS again", "url", Redact(p.url), "spooled", p.spool.Len())
			failing = false
		}
		wait = firstWait
	}
}

// opContext bounds one round of NATS requests by nats.publish_timeout and,
// while draining (ctx has ended), by the drain's deadline.
func (p *Publisher) opContext(ctx context.Context, drainDeadline time.Time) (context.Context, context.CancelFunc) {
	limit := time.Now().Add(p.cfg.PublishTimeout)
	if !drainDeadline.IsZero() {
		ctx = p.run.cutCtx // CutFlush ends the drain's requests too
		if drainDeadline.Before(limit) {
			limit = drainDeadline
		}
	}
	return context.WithDeadline(ctx, limit)
}

// sendRecords publishes recs asynchronously and waits for their
// acknowledgements in order. It returns the sequence of the last record of
// the acknowledged prefix (0: none), which the caller marks done.
func (p *Publisher) sendRecords(ctx context.Context, js jetstream.JetStream, recs []spool.Record) (uint64, error) {
	futures := make([]jetstream.PubAckFuture, len(recs))
	var sendErr error
	for i, r := range recs {
		env, err := decodeEnvelope(r.Payload)
		if err != nil {
			continue // no future: counted as corrupt below, and skipped
		}
		msg := &nats.Msg{
			Subject: p.cfg.SubjectPrefix + "." + env.subject,
			Data:    env.data,
			Header:  nats.Header{jetstream.MsgIDHeader: []string{env.id}},
		}
		if futures[i], sendErr = js.PublishMsgAsync(msg); sendErr != nil {
			futures[i] = nil
			recs = recs[:i]
			break
		}
	}
	var last uint64
	for i, r := range recs {
		f := futures[i]
		if f == nil {
			p.stats.corrupt.Add(1)
			p.log.Error("spooled alert unreadable, skipped", "seq", r.Seq)
			last = r.Seq
			continue
		}
		select {
		case ack := <-f.Ok():
			p.stats.published.Add(1)
			if ack.Duplicate {
				p.stats.duplicates.Add(1)
			}
			last = r.Seq
		case err := <-f.Err():
			var apiErr *jetstream.APIError
			if errors.As(err, &apiErr) && (apiErr.Code == 400 || apiErr.Code == 413) {
				// The server refuses this alert itself (larger than the
				// stream's max_msg_size, say): sending it again would only
				// hold up the ones behind it.
				p.dropped(&p.stats.droppedRejected, "refused by JetStream", 1, err)
				last = r.Seq
				continue
			}
			return last, err
		case <-ctx.Done():
			return last, fmt.Errorf("no acknowledgement within %s: %w", p.cfg.PublishTimeout, ctx.Err())
		}
	}
	return last, sendErr
}

// idle waits for something to publish.
func (p *Publisher) idle(ctx context.Context, draining bool) {
	if draining {
		// The writer may still be spooling the last alerts.
		select {
		case <-p.spool.Notify():
		case <-time.After(20 * time.Millisecond):
		case <-p.run.cutCtx.Done():
		}
		return
	}
	select {
	case <-p.spool.Notify():
	case <-ctx.Done():
	}
}

// firstWait is the first pause after a failure.
const firstWait = 250 * time.Millisecond

// pause waits before a retry: *wait, doubled each time up to 10s, cut
// short when the connection comes back (and the doubling starts over), when
// ctx ends or, while draining, at the drain's deadline or when the flush
// is cut (CutFlush).
func (p *Publisher) pause(ctx context.Context, drainDeadline time.Time, wait *time.Duration) {
	d, done := *wait, ctx.Done()
	if !drainDeadline.IsZero() {
		d, done = min(d, time.Until(drainDeadline)), p.run.cutCtx.Done()
	}
	select {
	case <-time.After(d):
		*wait = min(2**wait, 10*time.Second)
	case <-p.wake:
		*wait = firstWait
	case <-done:
	}
}
