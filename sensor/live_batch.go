package sensor

import (
	"net/netip"

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
	evTouch
)

type event struct {
	kind  eventKind
	probe detect.Probe
	reply detect.Reply
}

type batch struct {
	n  int
	ev [batchEvents]event
}

// batcher is a capture goroutine's Handler: it copies each decoded packet
// into the current batch and hands full batches to the engine.
type batcher struct {
	cur    *batch
	free   chan *batch
	out    chan<- *batch
	own    map[netip.Addr]bool
	dark   map[uint16]bool
	probes uint64
}

func (b *batcher) slot() *event {
	if b.cur == nil {
		b.cur = <-b.free
		b.cur.n = 0
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
	e := b.slot()
	e.kind, e.probe = evProbe, *p
	b.done()
	if len(b.dark) > 0 && b.dark[p.DstPort] && b.own[p.Dst] && darkProbe(p) {
		t := b.slot()
		t.kind, t.probe = evTouch, *p
		b.done()
	}
}

func (b *batcher) Reply(r *detect.Reply) {
	e := b.slot()
	e.kind, e.reply = evReply, *r
	b.done()
}

// darkProbe: what counts as touching a dark port — a TCP SYN or a UDP
// datagram; other segments there are answers or scans already counted.
func darkProbe(p *detect.Probe) bool {
	switch p.Technique {
	case detect.TechSYN, detect.TechConnect, detect.TechUDP:
		return true
	}
	return false
}
