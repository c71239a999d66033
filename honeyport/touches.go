package honeyport

import (
	"sync/atomic"

	"github.com/portsnare/portsnare/detect"
)

// touchQueueLen bounds the touches waiting for the callback. With the
// default record_bytes that is at most 256 KiB of recorded bytes, 4 MiB at
// record_bytes' maximum.
const touchQueueLen = 1024

// touchQueue hands touches from the listeners to the callback on one
// goroutine of its own. A listener never waits for the callback: when the
// queue is full the touch is dropped and counted, so a slow consumer costs
// touches, never the decoys' ability to accept and close connections.
type touchQueue struct {
	ch        chan detect.Touch
	delivered atomic.Uint64
	dropped   atomic.Uint64
}

func newTouchQueue() *touchQueue {
	return &touchQueue{ch: make(chan detect.Touch, touchQueueLen)}
}

// push queues t, or drops it if the queue is full. It must not be called
// after close.
func (q *touchQueue) push(t detect.Touch) {
	select {
	case q.ch <- t:
	default:
		q.dropped.Add(1)
	}
}

// deliver calls onTouch for each touch, in order, until the queue is closed
// and empty.
func (q *touchQueue) deliver(onTouch func(detect.Touch)) {
	for t := range q.ch {
		onTouch(t)
		q.delivered.Add(1)
	}
}

func (q *touchQueue) close() { close(q.ch) }
