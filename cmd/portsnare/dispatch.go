package main

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/portsnare/portsnare/detect"
)

// dispatcher takes alerts from the engine goroutine, which must never wait,
// and hands them to the sinks (standard output, NATS) on its own goroutine.
// Its queue is bounded; an alert that does not fit is counted and logged,
// never dropped silently. The NATS sink has its own on-disk spool, so a
// slow NATS server does not fill this queue.
type dispatcher struct {
	log     *slog.Logger
	queue   chan *detect.Alert
	sinks   []namedSink
	closing sync.Once
	sent    atomic.Uint64
	dropped atomic.Uint64
	counts  sync.Map // alertKey -> *atomic.Uint64
}

// alertKey labels the alert counters.
type alertKey struct {
	action, phase string
	suppressed    bool
}

type namedSink struct {
	name string
	fn   func(*detect.Alert)
}

func newDispatcher(log *slog.Logger) *dispatcher {
	return &dispatcher{log: log, queue: make(chan *detect.Alert, 4096)}
}

func (d *dispatcher) add(name string, fn func(*detect.Alert)) {
	d.sinks = append(d.sinks, namedSink{name, fn})
}

// Send queues a, without blocking.
func (d *dispatcher) Send(a *detect.Alert) {
	key := alertKey{a.Event.Action, a.Portsnare.Phase, a.Portsnare.Suppressed}
	c, _ := d.counts.LoadOrStore(key, new(atomic.Uint64))
	c.(*atomic.Uint64).Add(1)
	select {
	case d.queue <- a:
	default:
		if d.dropped.Add(1) == 1 || d.dropped.Load()%1000 == 0 {
			d.log.Error("alert queue full: alert dropped", "event_id", a.Event.ID, "action", a.Event.Action,
				"dropped_total", d.dropped.Load())
		}
	}
}

// Close ends Run once the queue is drained. Call it after the last Send.
func (d *dispatcher) Close() { d.closing.Do(func() { close(d.queue) }) }

// Run delivers queued alerts until Close.
func (d *dispatcher) Run() error {
	for a := range d.queue {
		for _, s := range d.sinks {
			s.fn(a)
		}
		d.sent.Add(1)
	}
	return nil
}

func (d *dispatcher) Sent() uint64    { return d.sent.Load() }
func (d *dispatcher) Dropped() uint64 { return d.dropped.Load() }

// eachCount calls f for every (action, phase, suppressed) alert count.
func (d *dispatcher) eachCount(f func(k alertKey, n uint64)) {
	d.counts.Range(func(k, v any) bool {
		f(k.(alertKey), v.(*atomic.Uint64).Load())
		return true
	})
}
