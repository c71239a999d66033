package publish

import "context"

// CutFlush ends the flush Run does once its context has ended: what
// JetStream has not acknowledged yet stays in the spool for the next
// start, and Run returns as soon as the queue is in the spool. It is for
// an operator who will not wait for NATS (a second SIGTERM); it never
// cuts the spooling itself, which is local and fast. Calling it before
// Run's context ends, or more than once, is allowed: the flush is then
// skipped.
func (p *Publisher) CutFlush() { p.run.cut() }

// cutContext is what bounds the flush's requests and waits: it ends when
// CutFlush is called.
func newCutContext() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
