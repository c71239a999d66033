package publish

import (
	"context"
	"fmt"
	"time"
)

// Flush waits until every alert published so far has been acknowledged by
// JetStream. It gives up, with an error that says how many alerts are not
// published and why, when ctx ends, when Run has returned, or when the
// server is unreachable: disconnected, with an attempt to connect failed
// since Flush began. The alerts it gives up on stay in the spool.
func (p *Publisher) Flush(ctx context.Context) error {
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		pending := p.pending()
		if pending == 0 {
			return nil
		}
		at, lastErr := p.lastError()
		select {
		case <-p.run.done:
			return p.notPublished(pending, lastErr)
		default:
		}
		if nc := p.run.conn.Load(); (nc == nil || !nc.IsConnected()) && at.After(start) {
			return p.notPublished(pending, lastErr)
		}
		select {
		case <-ctx.Done():
			if lastErr == nil {
				lastErr = ctx.Err()
			}
			return p.notPublished(pending, lastErr)
		case <-tick.C:
		}
	}
}

// pending counts the alerts not yet acknowledged: queued or spooled, each
// once, even while store moves a batch from the one to the other.
func (p *Publisher) pending() int {
	p.moving.Lock()
	defer p.moving.Unlock()
	return int(p.queued.Load()) + p.spool.Len()
}

func (p *Publisher) notPublished(n int, cause error) error {
	if cause == nil {
		cause = errClosed
	}
	return fmt.Errorf("%d alerts not published to NATS at %s: %w", n, Redact(p.url), cause)
}
