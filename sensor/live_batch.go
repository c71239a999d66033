package sensor

import (
	"github.com/portsnare/portsnare/detect"
)

// Events travel from capture goroutines to the engine goroutine in batches:
// one channel operation per batch rather than per packet, and batches are
// recycled, so the packet path does not allocate.
const batchEvents = 256

type eventKind uint8

const (
	evProbe eventKind = iota + 1
	evReply
)

type event struct {
	kind  eventKind
	probe detect.Probe
	reply detect.Reply
}

type batch struct {
	n       int
	firstAt int64 // capture time of the first event, ns
	ev      [batchEvents]event
}

// maxBatchAge bounds how long an event waits in a capture goroutine's batch:
// a link busy with packets that are not probes must not hold back the few
// that are, nor their alerts.
const maxBatchAge = int64(50e6) // 50 ms

// batcher is a capture goroutine's Handler: it copies each decoded packet
// into the current batch and hands full batches to the engine.
type batcher struct {
	cur  *batch
	free chan *batch
	out  chan<- *batch
}

func (b *batcher) slot(at int64) *event {
	if b.cur == nil {
		b.cur = <-b.free
		b.cur.n = 0
		b.cur.firstAt = at
	}
	e := &b.cur.ev[b.cur.n]
	b.cur.n++
	return e
}

func (b *batcher) done() {
	if b.cur.n == batchEvents {
		b.flush()
	}
}

// flushOld hands over the current batch once its first event is older than
// maxBatchAge, by the capture time of the packet just read.
func (b *batcher) flushOld(now int64) {
	if b.cur != nil && b.cur.n > 0 && now-b.cur.firstAt > maxBatchAge {
		b.flush()
	}
}

// flush hands over the current batch, full or not. It blocks while the
// engine is behind: the kernel ring then absorbs the burst, and what it
// cannot hold shows as kernel drops, counted.
func (b *batcher) flush() {
	if b.cur == nil || b.cur.n == 0 {
		return
	}
	b.out <- b.cur
	b.cur = nil
}

func (b *batcher) Probe(p *detect.Probe) {
	e := b.slot(p.Time.UnixNano())
	e.kind, e.probe = evProbe, *p
	b.done()
}

func (b *batcher) Reply(r *detect.Reply) {
	e := b.slot(r.Time.UnixNano())
	e.kind, e.reply = evReply, *r
	b.done()
}
