package sensor

import (
	"net/netip"
	"time"
	"unsafe"

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
	// evTick: the packet clock's tick, at the event's time (a tick
	// carries nothing else).
	evTick
)

// event is one engine call, packed into one cache line. The goroutine that
// decodes writes it and the engine's reads it, so every line of it crosses
// between cores: a Probe and a Reply side by side took three lines, and
// moving them cost a pipelined replay more than decoding did. Times travel
// as nanoseconds and addresses as their 16 bytes, which is all the engine
// reads of them (the captures carry no zones); a reply's fields use the
// probe's (Prober as Src, Target as Dst, ProberPort as SrcPort, TargetPort
// as DstPort).
type event struct {
	at               int64 // packet time, ns since the epoch
	src, dst         [16]byte
	seq              uint32
	sport, dport     uint16
	window, ipid     uint16
	fp               detect.Fingerprint
	kind             eventKind
	proto            uint8
	tech             detect.Technique
	flags, ttl       uint8
	srcForm, dstForm addrForm
	outcome          detect.Outcome // replies
	answers          bool           // replies: AnswersProbe
}

// addrForm tells how an event's address field holds its netip.Addr.
type addrForm uint8

const (
	addrNone addrForm = iota // the zero Addr
	addrV4                   // IPv4, in the last four bytes
	addrV6                   // IPv6, IPv4-mapped included
)

func packAddr(a netip.Addr, to *[16]byte) addrForm {
	switch {
	case a.Is4():
		*to = a.As16()
		return addrV4
	case a.IsValid():
		*to = a.As16()
		return addrV6
	}
	return addrNone
}

func unpackAddr(f addrForm, b *[16]byte) netip.Addr {
	switch f {
	case addrV4:
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case addrV6:
		return netip.AddrFrom16(*b)
	}
	return netip.Addr{}
}

func (ev *event) setProbe(p *detect.Probe) {
	ev.kind = evProbe
	ev.srcForm, ev.dstForm = packAddr(p.Src, &ev.src), packAddr(p.Dst, &ev.dst)
	ev.proto, ev.tech, ev.sport, ev.dport = p.Proto, p.Technique, p.SrcPort, p.DstPort
	ev.seq, ev.window, ev.flags, ev.ttl, ev.ipid, ev.fp = p.Seq, p.Window, p.Flags, p.TTL, p.IPID, p.FP
}

// time is the event's packet time.
func (ev *event) time() time.Time { return time.Unix(0, ev.at).UTC() }

func (ev *event) probe(p *detect.Probe) {
	*p = detect.Probe{Time: ev.time(), Src: unpackAddr(ev.srcForm, &ev.src), Dst: unpackAddr(ev.dstForm, &ev.dst),
		Proto: ev.proto, Technique: ev.tech, SrcPort: ev.sport, DstPort: ev.dport,
		Seq: ev.seq, Window: ev.window, Flags: ev.flags, TTL: ev.ttl, IPID: ev.ipid, FP: ev.fp}
}

func (ev *event) setReply(r *detect.Reply) {
	ev.kind = evReply
	ev.srcForm, ev.dstForm = packAddr(r.Prober, &ev.src), packAddr(r.Target, &ev.dst)
	ev.proto, ev.sport, ev.dport = r.Proto, r.ProberPort, r.TargetPort
	ev.outcome, ev.answers = r.Outcome, r.AnswersProbe
}

func (ev *event) reply(r *detect.Reply) {
	*r = detect.Reply{Time: ev.time(), Prober: unpackAddr(ev.srcForm, &ev.src), Target: unpackAddr(ev.dstForm, &ev.dst),
		Proto: ev.proto, ProberPort: ev.sport, TargetPort: ev.dport, Outcome: ev.outcome, AnswersProbe: ev.answers}
}

// batch is a run of events. The events come first and a batch's size is
// a whole number of cache lines, so that in a batch made by newBatches
// each event sits in a line of its own.
type batch struct {
	ev      [batchEvents]event
	n       int
	firstAt int64 // capture time of the first event, ns
	_       [cacheLine - 16]byte
}

const cacheLine = 64

// newBatches returns n batches starting on a cache line's boundary, which
// neither new nor make promises (a race-detector build, for one, moves
// allocations). A batch holds no pointers, so it can live in a byte
// slice's memory: the slice stays alive as long as a batch in it does.
func newBatches(n int) []batch {
	size := unsafe.Sizeof(batch{})
	buf := make([]byte, uintptr(n)*size+cacheLine-1)
	p := unsafe.Pointer(unsafe.SliceData(buf))
	p = unsafe.Add(p, (cacheLine-uintptr(p)%cacheLine)%cacheLine)
	return unsafe.Slice((*batch)(p), n)
}

// newBatch returns one batch on a cache line's boundary.
func newBatch() *batch { return &newBatches(1)[0] }

// feed makes the engine calls b's events stand for, in order, and empties
// b. Each event is unpacked lookahead events before the engine takes it,
// and the engine is asked to prefetch what it will read for it (see
// detect/prefetch.go), so that the table reads of several events are in
// flight together rather than one after another.
func (b *batch) feed(e *detect.Engine) {
	if discardEvents {
		b.n = 0
		return
	}
	var ring [lookahead]call
	// The slot an event is unpacked into is the one the engine has just
	// taken its event from.
	for i := 0; i < b.n+lookahead; i++ {
		if i >= lookahead {
			ring[(i-lookahead)%lookahead].run(e)
		}
		if j := i + lookahead; j < b.n {
			// Further ahead, the sources' records, which the engine reads
			// to name the buckets it prefetches.
			if ev := &b.ev[j]; ev.kind == evProbe || ev.kind == evReply {
				e.PrefetchSource(unpackAddr(ev.srcForm, &ev.src))
			}
		}
		if i < b.n {
			c := &ring[i%lookahead]
			switch c.unpack(&b.ev[i]); c.kind {
			case evProbe:
				e.PrefetchProbe(&c.p)
			case evReply:
				e.PrefetchReply(&c.r)
			}
		}
	}
	b.n = 0
}

// lookahead is how many events ahead of the engine feed prefetches: enough
// for a miss to memory to be served while the engine works on the events
// before it, few enough that the engine's state (a source's generation,
// which the keys include) rarely moves on in between.
const lookahead = 8

// call is an event unpacked for the engine.
type call struct {
	kind eventKind
	p    detect.Probe
	r    detect.Reply
	at   time.Time
}

// unpack makes c the call ev stands for.
func (c *call) unpack(ev *event) {
	c.kind = ev.kind
	switch ev.kind {
	case evProbe:
		ev.probe(&c.p)
	case evReply:
		ev.reply(&c.r)
	case evTick:
		c.at = ev.time()
	}
}

// run makes the call on e.
func (c *call) run(e *detect.Engine) {
	switch c.kind {
	case evProbe:
		e.Probe(&c.p)
	case evReply:
		e.Reply(&c.r)
	case evTick:
		e.Tick(c.at)
	}
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
	e.at = at
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
	b.slot(p.Time.UnixNano()).setProbe(p)
	b.done()
}

func (b *batcher) Reply(r *detect.Reply) {
	b.slot(r.Time.UnixNano()).setReply(r)
	b.done()
}

func (b *batcher) Tick(now time.Time) {
	b.slot(now.UnixNano()).kind = evTick
	b.done()
}
