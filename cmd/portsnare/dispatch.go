package main

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/portsnare/portsnare/detect"
)

// dispatcher takes alerts from the engine goroutine, which must never wait,
// and hands them to the sinks (standard output, NATS, counters). Each sink
// has its own bounded queue and goroutine, so a stalled reader of standard
// output cannot hold back NATS. An alert that does not fit a sink's queue is
// counted and logged for that sink, never dropped silently. The NATS sink
// has its own on-disk spool behind its queue.
type dispatcher struct {
	log     *slog.Logger
	sinks   []*sinkQueue
	closing sync.Once
	wg      sync.WaitGroup
	sent    atomic.Uint64
	dropped atomic.Uint64
	counts  sync.Map // alertKey -> *atomic.Uint64
}

type sinkQueue struct {
	name  string
	fn    func(*detect.Alert)
	queue chan *detect.Alert
}

// alertKey labels the alert counters.
type alertKey struct {
	action     detect.Action
	phase      detect.Phase
	suppressed bool
}

func newDispatcher(log *slog.Logger) *dispatcher {
	return &dispatcher{log: log}
}

// add registers a sink. Call it before Run.
func (d *dispatcher) add(name string, fn func(*detect.Alert)) {
	d.sinks = append(d.sinks, &sinkQueue{name: name, fn: fn, queue: make(chan *detect.Alert, 4096)})
}

// Send queues a for every sink, without blocking.
func (d *dispatcher) Send(a *detect.Alert) {
	key := alertKey{a.Event.Action, a.Portsnare.Phase, a.Portsnare.Suppressed}
	c, _ := d.counts.LoadOrStore(key, new(atomic.Uint64))
	c.(*atomic.Uint64).Add(1)
	d.sent.Add(1)
	for _, s := range d.sinks {
		select {
		case s.queue <- a:
		default:
			if n := d.dropped.Add(1); n == 1 || n%1000 == 0 {
				d.log.Error("alert queue full: alert dropped for one sink", "sink", s.name,
					"event_id", a.Event.ID, "action", a.Event.Action, "dropped_total", n)
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
			for a := range s.queue {
				s.fn(a)
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
