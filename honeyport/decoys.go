package honeyport

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// Decoys runs the decoy listeners of one configuration at a time.
type Decoys struct {
	log     *slog.Logger
	onTouch func(detect.Touch)
	// procNet lists the host's sockets; a field so that tests can show the
	// decoys a host that changed between the look and the bind.
	procNet func() ([]socket, error)

	plan    atomic.Pointer[plan] // read by every connection, so not under mu
	limits  *connLimits
	replies *replyLimiter
	queue   *touchQueue
	wg      sync.WaitGroup // listener and connection goroutines

	mu        sync.Mutex
	started   bool          // Open has been called
	ran       bool          // Run has been called
	running   bool          // between Open and the end of Run: reconcile may open sockets
	delivered chan struct{} // closed when the delivery goroutine ends
	held      map[Port]*decoy
	// avoid holds ports seen held by another socket since the decoys were
	// created. They are never taken again, even once free: the service
	// may be restarting, and a decoy in its port would keep it down.
	avoid     map[Port]bool
	denied    map[Port]bool   // EACCES: not retried until the next Reload
	unavail   map[string]bool // addresses logged as unavailable, to log once
	recheckCh chan struct{}   // Reload changed the recheck interval
	// reloaded makes the next reconcile report every wanted port another
	// socket holds, not only those it finds held for the first time: the
	// log line of a reload is the operator's answer to what the new
	// configuration got, and avoided ports are part of it.
	reloaded bool

	acceptErrors      atomic.Uint64
	udpReplies        atomic.Uint64
	udpRepliesLimited atomic.Uint64
}

// New checks cfg and prepares the decoys; Run opens them. onTouch receives
// every touch, in order, from a single goroutine. It should return quickly:
// while it runs, touches wait in a queue of touchQueueLen, and past that
// they are dropped and counted (Stats.TouchesDropped). The listeners never
// wait for it. logger may be nil.
func New(cfg Config, onTouch func(detect.Touch), logger *slog.Logger) (*Decoys, error) {
	p, errs := cfg.compile()
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if onTouch == nil {
		return nil, errors.New("honeyport: nil touch callback")
	}
	if err := platformSupported(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	d := &Decoys{
		log:       logger,
		onTouch:   onTouch,
		procNet:   func() ([]socket, error) { return readProcNet("/proc/net") },
		limits:    newConnLimits(p.maxConns, p.maxPerSource),
		replies:   newReplyLimiter(p.udpReplyRate),
		queue:     newTouchQueue(),
		held:      map[Port]*decoy{},
		avoid:     map[Port]bool{},
		denied:    map[Port]bool{},
		unavail:   map[string]bool{},
		recheckCh: make(chan struct{}, 1),
	}
	d.plan.Store(p)
	return d, nil
}

// Open binds the decoys now and starts serving them. Run calls it; a caller
// that drops privileges once its sockets are open (portsnare run with
// run.user) calls it first, so that ports below 1024 are bound while it
// still may, and must then call Run. Later binds (rechecks, Reload) have only the
// privileges left: keep CAP_NET_BIND_SERVICE as an ambient capability if
// reloads are to add low ports.
func (d *Decoys) Open() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.running:
		return nil
	case d.started:
		return errors.New("honeyport: Open after Run returned")
	}
	d.started, d.running = true, true
	d.delivered = make(chan struct{})
	go func() {
		defer close(d.delivered)
		d.queue.deliver(d.onTouch)
	}()
	d.reconcile()
	return nil
}

// Run opens the decoys, unless Open did, and serves them until ctx ends;
// then it closes every socket and connection, delivers the touches still
// queued, waits for all of its goroutines and returns nil. Ports that cannot
// be opened are logged, not fatal: the sensor runs on without them. Run may
// be called once.
func (d *Decoys) Run(ctx context.Context) error {
	d.mu.Lock()
	ran, opened := d.ran, d.running
	d.ran = true
	d.mu.Unlock()
	if ran {
		return errors.New("honeyport: Run called twice")
	}
	if !opened {
		if err := d.Open(); err != nil {
			return err
		}
	}

	tick := time.NewTicker(d.plan.Load().recheck)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-d.recheckCh:
			tick.Reset(d.plan.Load().recheck)
		case <-tick.C:
			d.mu.Lock()
			d.reconcile()
			d.mu.Unlock()
		}
	}

	d.mu.Lock()
	d.running = false
	for _, dc := range d.held {
		dc.close()
	}
	clear(d.held)
	d.mu.Unlock()
	d.limits.closeAll()
	d.wg.Wait() // no goroutine can queue a touch after this
	d.queue.close()
	<-d.delivered
	return nil
}

// Reload switches to cfg: decoys on ports cfg no longer wants are closed at
// once (connections already open on them end by their deadline), new ones
// are opened, and limits, banners and timeouts apply to the next
// connection. An invalid cfg changes nothing and is reported with every
// problem. Ports seen held by another socket stay avoided.
func (d *Decoys) Reload(cfg Config) error {
	p, errs := cfg.compile()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.plan.Swap(p)
	d.limits.setCaps(p.maxConns, p.maxPerSource)
	d.replies.setRate(p.udpReplyRate)
	clear(d.denied) // the operator may have granted the capability
	clear(d.unavail)
	d.reloaded = true
	if d.running {
		d.reconcile()
	}
	if old.recheck != p.recheck {
		select {
		case d.recheckCh <- struct{}{}:
		default:
		}
	}
	return nil
}

// HeldPort is one decoy socket.
type HeldPort struct {
	Port
	Addr netip.AddrPort
}

// Ports lists the decoy sockets open now, sorted.
func (d *Decoys) Ports() []HeldPort {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []HeldPort
	for p, dc := range d.held {
		for a := range dc.socks {
			out = append(out, HeldPort{p, netip.AddrPortFrom(a, p.Num)})
		}
	}
	slices.SortFunc(out, func(a, b HeldPort) int {
		return cmp.Or(cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Num, b.Num), a.Addr.Addr().Compare(b.Addr.Addr()))
	})
	return out
}

// touch queues t for the callback; it never blocks.
func (d *Decoys) touch(t detect.Touch) { d.queue.push(t) }
