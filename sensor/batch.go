package sensor

import (
	"time"

	"github.com/portsnare/portsnare/detect"
)

// Events travel from the goroutines that read and decode packets to the one
// that runs the engine in batches: one channel operation per batch rather
// than per packet, and batches are recycled through a free list, so the
// packet path does not allocate. A batch keeps its events in the order they
// were decoded, and the engine takes them in that order, so the engine sees
// the calls a single goroutine would have made.
const batchEvents = 256

type eventKind uint8

const (
	evProbe eventKind = iota + 1
	evReply
	// evTick: the packet clock's tick, at probe.Time (a tick carries
	// nothing else, and a field of its own would grow every event).
	evTick
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

// feed makes the engine calls b's events stand for, in order, and empties b.
func (b *batch) feed(e *detect.Engine) {
	for i := range b.n {
		ev := &b.ev[i]
		switch ev.kind {
		case evProbe:
			e.Probe(&ev.probe)
		case evReply:
			e.Reply(&ev.reply)
		case evTick:
			e.Tick(ev.probe.Time)
		}
	}
	b.n = 0
}

// batcher is a decoding goroutine's Handler (and, in a replay, its packet
// clock's ticker): it copies each decoded packet into the current batch and
// hands full batches to the engine goroutine.
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

// flush hands over the current batch, full or not. It blocks while the
// engine is behind: live, the kernel ring then absorbs the burst, and what
// it cannot hold shows as kernel drops, counted; in a replay, reading waits.
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

func (b *batcher) Tick(now time.Time) {
	e := b.slot(now.UnixNano())
	e.kind, e.probe.Time = evTick, now
	b.done()
}
