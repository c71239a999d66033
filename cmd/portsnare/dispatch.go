package main

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// dispatcher takes alerts from the engine goroutine, which must never wait:
// observers (counters) see each alert at once; it is rendered once, in the
// output format, and the document is handed to the sinks (standard output,
// NATS), which never see the engine's types. Each sink has its own bounded
// queue and goroutine, so a stalled reader of standard output cannot hold
// back NATS. An alert that does not fit a sink's queue, or cannot be
// rendered, is counted and logged, never dropped silently. The NATS sink has
// its own on-disk spool behind its queue.
type dispatcher struct {
	log       *slog.Logger
	format    render.Format
	observers []func(*detect.Alert)
	sinks     []*sinkQueue
	closing   sync.Once
	wg        sync.WaitGroup
	sent      atomic.Uint64
	dropped   atomic.Uint64
	counts    sync.Map // alertKey -> *atomic.Uint64
}

type sinkQueue struct {
	name  string
	fn    func(*render.Document)
	queue chan *render.Document
}

// alertKey labels the alert counters.
type alertKey struct {
	action, phase string
	suppressed    bool
}

func newDispatcher(log *slog.Logger, format render.Format) *dispatcher {
	return &dispatcher{log: log, format: format}
}

// observe registers fn to see every alert, on the engine's goroutine: it
// must be quick and must not block. Call it before Run.
func (d *dispatcher) observe(fn func(*detect.Alert)) {
	d.observers = append(d.observers, fn)
}

// add registers a sink. Call it before Run.
func (d *dispatcher) add(name string, fn func(*render.Document)) {
	d.sinks = append(d.sinks, &sinkQueue{name: name, fn: fn, queue: make(chan *render.Document, 4096)})
}

// Send renders a and queues the document for every sink, without blocking.
func (d *dispatcher) Send(a *detect.Alert) {
	for _, o := range d.observers {
		o(a)
	}
	d.sent.Add(1)
	doc, err := render.Make(a, d.format)
	if err != nil {
		n := d.dropped.Add(uint64(len(d.sinks)))
		d.log.Error("alert not rendered: dropped for every sink", "event_id", a.Event.ID,
			"action", a.Event.Action, "err", err, "dropped_total", n)
		return
	}
	key := alertKey{doc.Action, doc.Phase, doc.Suppressed}
	c, _ := d.counts.LoadOrStore(key, new(atomic.Uint64))
	c.(*atomic.Uint64).Add(1)
	for _, s := range d.sinks {
		select {
		case s.queue <- doc:
		default:
			if n := d.dropped.Add(1); n == 1 || n%1000 == 0 {
				d.log.Error("alert queue full: alert dropped for one sink", "sink", s.name,
					"event_id", doc.ID, "action", doc.Action, "dropped_total", n)
			}
		}
	}
}

// Close ends Run once the queues are drained. Call it after the last Send.
func (d *dispatcher) Close() {
	d.closing.Do(func() {
		for _, s := range d.sinks {
			close(s.queue)
		}
	})
}

// Run delivers queued alerts, each sink on its own goroutine, until Close.
func (d *dispatcher) Run() error {
	for _, s := range d.sinks {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			for doc := range s.queue {
				s.fn(doc)
			}
		}()
	}
	d.wg.Wait()
	return nil
}

// Sent counts the alerts handed to the dispatcher; Dropped the deliveries
// that did not fit a sink's queue.
func (d *dispatcher) Sent() uint64    { return d.sent.Load() }
func (d *dispatcher) Dropped() uint64 { return d.dropped.Load() }

// eachCount calls f for every (action, phase, suppressed) alert count.
func (d *dispatcher) eachCount(f func(k alertKey, n uint64)) {
	d.counts.Range(func(k, v any) bool {
		f(k.(alertKey), v.(*atomic.Uint64).Load())
		return true
	})
}
