package detect

import "time"

// waitQueue holds first contacts awaiting their answer, oldest first, in one
// ring for all sources: when a contact's reply timeout has passed, its
// silence is judged (see Engine.expire). The ring is fixed in size; when it
// is full the oldest entry is dropped unjudged and counted — a source fast
// enough to fill it has been judged by its refusals or its breadth long
// before its silences would matter.
type waitQueue struct {
	buf     []waiting
	head, n int
	dropped uint64
}

type waiting struct {
	s   *source
	gen uint64 // s.gen when the contact was made: a recycled s no longer matches
	key uint64 // the contact's record
	ask uint64 // for a neighbour ask: the shared record of the address asked for
	t   ptime  // packet time of the contact
	ref contactRef
}

func newWaitQueue(size int) *waitQueue {
	return &waitQueue{buf: make([]waiting, size)}
}

func (q *waitQueue) push(w waiting) {
	if q.n == len(q.buf) {
		q.buf[q.head] = waiting{}
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		q.dropped++
	}
	q.buf[(q.head+q.n)%len(q.buf)] = w
	q.n++
}

// waitSlotsFor sizes the queue: a sixteenth of the first-contact table.
func waitSlotsFor(contactSlots int) int {
	return max(contactSlots/16, 1024)
}

// askTimeout is how long a neighbour ask waits before it is judged. On a
// link, an answer comes within milliseconds, and the traffic an ask was made
// for follows its answer at once (the packet waited for it), so a sweep is
// known two seconds after its asks rather than a reply timeout later.
const askTimeout = 2 * time.Second

// expire judges every waiting contact whose timeout has passed by packet
// time ns.
func (e *Engine) expire(ns ptime) {
	e.expireUntil(e.wait, ns.add(-e.cfg.ReplyTimeout), ns)
	e.expireUntil(e.asks, ns.add(-askTimeout), ns)
	e.expireDeferred(ns.add(-orphanWait), ns)
}

// expireAll judges every waiting contact at packet time ns, as at the end
// of a capture: no answer will come.
func (e *Engine) expireAll(ns ptime) {
	e.expireDeferred(ns, ns)
	e.expireUntil(e.wait, ns, ns)
	e.expireUntil(e.asks, ns, ns)
}

// expireUntil judges, at packet time ns, every contact in q made at or
// before deadline.
func (e *Engine) expireUntil(q *waitQueue, deadline, ns ptime) {
	for q.n > 0 && q.buf[q.head].t <= deadline {
		w := q.buf[q.head]
		q.buf[q.head] = waiting{}
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		if q.n > waitAhead {
			e.prefetchWaiting(&q.buf[(q.head+waitAhead)%len(q.buf)])
		}
		e.judgeWaiting(&w, ns)
	}
}

// judgeWaiting settles one contact whose reply timeout has passed.
func (e *Engine) judgeWaiting(w *waiting, ns ptime) {
	now := e.secs(ns)
	c := e.tab.find(w.key, now)
	if c == nil {
		return
	}
	if w.ref.fam != famNeighbour && contactState(c.n) != stPending {
		// Answered within its timeout, as most contacts are: silence
		// changes nothing (see change), and the source's record, long
		// out of the cache by now, is not read.
		return
	}
	s := w.s
	if s.gen != w.gen {
		return // the source was forgotten or recycled since
	}
	if w.ref.fam == famNeighbour {
		if !e.askUsed(w.ask, now) {
			e.transition(s, c, w.ref, evAskUnused, now)
			e.discovered(s, w.t, contactState(c.n) != stSucceeded)
			e.evaluate(s, ns)
		}
		return
	}
	if e.transition(s, c, w.ref, evSilence, now) {
		e.evaluate(s, ns)
	}
}
