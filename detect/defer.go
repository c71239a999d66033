package detect

// Inference from an answer alone waits a moment. Packets read from several
// capture sockets reach the engine out of order, and an answer can come
// before the probe it answers (a fragmented probe and its RST hash to
// different sockets). Inferring at once would name the probe's technique
// wrongly; so a sure answer whose probe was not seen is kept as an orphan
// for the probe to pick up, and only if none has come by the time the
// answer leaves this queue is the probe inferred.

// deferQueue holds answers waiting to be inferred, oldest first, in a fixed
// ring. When it is full the oldest is inferred at once.
type deferQueue struct {
	buf     []deferred
	head, n int
}

type deferred struct {
	s   *source
	gen uint64
	a   answer
}

func newDeferQueue(size int) *deferQueue {
	return &deferQueue{buf: make([]deferred, size)}
}

// deferInference keeps answer a, whose probe from s has not been seen, as an
// orphan and queues it for inference.
func (e *Engine) deferInference(s *source, a *answer, pk addrKey) {
	k := orphanKey(pk, s.gen, a.tk, a.proto, a.targetPort)
	o, _ := e.tab.upsert(k, a.now, 0)
	o.n = uint32(a.out)
	e.orphanAt, e.orphans = a.now, true
	e.marks.mark(k, a.now)
	q := e.deferred
	if q.n == len(q.buf) {
		d := q.buf[q.head]
		q.buf[q.head] = deferred{}
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		e.infer(&d, a.ns)
	}
	q.buf[(q.head+q.n)%len(q.buf)] = deferred{s: s, gen: s.gen, a: *a}
	q.n++
}

// expireDeferred infers the probes of answers queued at or before deadline
// whose probe has still not come.
func (e *Engine) expireDeferred(deadline, ns ptime) {
	q := e.deferred
	for q.n > 0 && q.buf[q.head].a.ns <= deadline {
		d := q.buf[q.head]
		q.buf[q.head] = deferred{}
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		e.infer(&d, ns)
	}
}

// infer applies a deferred answer if its orphan is still waiting: the
// probe never came, so the answer stands for it.
func (e *Engine) infer(d *deferred, ns ptime) {
	s, a := d.s, &d.a
	if s.gen != d.gen {
		return
	}
	now := e.secs(ns)
	o := e.tab.find(orphanKey(s.key, s.gen, a.tk, a.proto, a.targetPort), now)
	if o == nil {
		return // the probe came and took it
	}
	o.key = 0
	c := e.inferredContact(s, a)
	if c == nil {
		return
	}
	e.matched++
	e.settle(s, c, familyOf(a.proto, a.targetPort), a)
}
