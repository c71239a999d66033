//go:build linux

package sensor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/afpacket"
	"github.com/portsnare/portsnare/detect"
)

// LiveSupported returns nil: live capture works on Linux. Elsewhere it
// returns the error NewSensor would, so a command can refuse to start
// before it opens or loads anything.
func LiveSupported() error { return nil }

// Sensor captures live traffic through one detection engine.
//
// Capture and decoding run on several goroutines, one per socket of a
// kernel fanout group, so they use several cores; all decoded events then
// meet in one engine goroutine. One engine owns every source's state, so a
// scanner's probes, spread over sockets by the kernel, land in one place,
// and so do the sources of a decoy or distributed scan, which correlation
// across sources needs. The engine takes a few million events a second,
// more than the capture side delivers on a small machine.
type Sensor struct {
	opts    LiveOptions
	log     *slog.Logger
	socks   []*socket
	engine  *detect.Engine
	batches chan *batch
	free    chan *batch
	touches chan detect.Touch

	decoyPorts func() []uint16 // see WatchDecoys
	lastDecoys []uint16

	stats liveCounters
}

// liveCounters are read by metrics while the goroutines run.
type liveCounters struct {
	mu           sync.Mutex
	decode       DecodeStats
	kernelPkts   uint64
	kernelDrops  uint64
	freezes      uint64
	engine       detect.Stats
	touchDropped atomic.Uint64
	touches      atomic.Uint64
	// touchMu orders Touch against the engine's last drain: once engineDone
	// is set under the write lock, no touch is left in the channel unread.
	touchMu    sync.RWMutex
	engineDone bool
}

// NewSensor opens the capture sockets (this needs CAP_NET_RAW; afterwards
// the process can drop privileges) and builds the engine.
func NewSensor(opts LiveOptions) (*Sensor, error) {
	opts.Capture.SetDefaults()
	if err := opts.Capture.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(opts.Capture.Interfaces) == 0 {
		iface, err := DefaultRouteInterface()
		if err != nil {
			return nil, err
		}
		opts.Capture.Interfaces = []string{iface}
	}
	own, err := localAddrs()
	if err != nil {
		return nil, err
	}
	// Dark ports are judged by the engine, as in a replay; live, they are
	// watched on this host's own addresses unless the configuration names
	// the hosts.
	opts.Engine.DarkPorts = opts.Capture.DarkPorts
	// Several sockets hand their batches over independently: packets reach
	// the engine out of packet order by up to a batch's age.
	opts.Engine.Reordered = len(opts.Capture.Interfaces)*opts.Capture.Sockets > 1
	if len(opts.Engine.DarkHosts) == 0 {
		for a := range own {
			opts.Engine.DarkHosts = append(opts.Engine.DarkHosts, a)
		}
	}
	s := &Sensor{
		opts:    opts,
		log:     opts.Logger,
		batches: make(chan *batch, 64),
		free:    make(chan *batch, 64+8*len(opts.Capture.Interfaces)*opts.Capture.Sockets),
		touches: make(chan detect.Touch, 1024),
	}
	for i := 0; i < cap(s.free); i++ {
		s.free <- newBatch()
	}
	alerts := opts.Alerts
	if alerts == nil {
		alerts = func(*detect.Alert) {}
	}
	eng, err := detect.New(opts.Engine, alerts)
	if err != nil {
		return nil, err
	}
	if opts.Policy != nil {
		eng.SetPolicy(opts.Policy)
	}
	s.engine = eng
	// A fanout group id unique to this process, so two sensors on one host
	// do not share packets.
	group := uint16(os.Getpid())
	for i, iface := range opts.Capture.Interfaces {
		socks, err := openSockets(iface, &s.opts.Capture, group+uint16(i))
		if err != nil {
			s.closeSockets()
			return nil, err
		}
		s.socks = append(s.socks, socks...)
	}
	return s, nil
}

func (s *Sensor) closeSockets() {
	for _, k := range s.socks {
		k.tp.Close()
	}
}

// Close releases the capture sockets of a Sensor whose Run was never called
// (Run closes them itself).
func (s *Sensor) Close() { s.closeSockets() }

// Touch hands a honeyport touch to the engine. It never blocks: when the
// engine is behind, the touch is dropped and counted (TouchesDropped).
func (s *Sensor) Touch(t detect.Touch) {
	s.stats.touchMu.RLock()
	defer s.stats.touchMu.RUnlock()
	if s.stats.engineDone {
		s.stats.touchDropped.Add(1) // after shutdown: nothing will read it
		return
	}
	select {
	case s.touches <- t:
		s.stats.touches.Add(1)
	default:
		s.stats.touchDropped.Add(1)
	}
}

// Run captures until ctx ends, then stops the capture goroutines (each
// closes its own socket), processes what they had read, ends every open
// episode with its summary, and returns. A capture error ends Run with it.
func (s *Sensor) Run(ctx context.Context) error {
	capCtx, stopCapture := context.WithCancel(ctx)
	defer stopCapture()
	var wg sync.WaitGroup
	errs := make(chan error, len(s.socks))
	for _, k := range s.socks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.capture(capCtx, k); err != nil {
				errs <- err
				stopCapture()
			}
		}()
	}
	if discardEvents {
		s.log.Warn("built with -tags benchfloor: every packet is captured and decoded, then thrown away; nothing is detected")
	}
	s.log.Info("capturing", "interfaces", s.opts.Capture.Interfaces, "sockets_per_interface", s.opts.Capture.Sockets,
		"snaplen", s.opts.Capture.SnapLen)
	go func() {
		wg.Wait()
		close(s.batches)
	}()
	s.runEngine(capCtx)
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// capture reads one socket until ctx ends, then closes it — from this
// goroutine, never while a read is in progress.
func (s *Sensor) capture(ctx context.Context, k *socket) error {
	defer k.tp.Close()
	b := &batcher{free: s.free, out: s.batches}
	d := NewDecoder(b)
	lastStats := time.Now()
	// Counters are published as differences since the last publication, so
	// that the sockets' figures add up.
	var prevDecode DecodeStats
	var prevPkts, prevDrops, prevFreeze uint32
	publish := func() {
		ds := d.Stats()
		s.stats.mu.Lock()
		s.stats.decode = s.stats.decode.add(ds.sub(prevDecode))
		// gopacket keeps the kernel's counters as 32-bit running sums, which
		// wrap after 2^32 packets: differences in uint32 survive that.
		if _, v3, err := k.tp.SocketStats(); err == nil {
			pkts, drops, freeze := uint32(v3.Packets()), uint32(v3.Drops()), uint32(v3.QueueFreezes())
			s.stats.kernelPkts += uint64(pkts - prevPkts)
			s.stats.kernelDrops += uint64(drops - prevDrops)
			s.stats.freezes += uint64(freeze - prevFreeze)
			prevPkts, prevDrops, prevFreeze = pkts, drops, freeze
		}
		s.stats.mu.Unlock()
		prevDecode = ds
		lastStats = time.Now()
	}
	defer func() {
		b.flush()
		publish()
	}()
	w, err := newRingWaiter(ctx, k.tp)
	if err != nil {
		return fmt.Errorf("capture on %q: %w", k.iface, err)
	}
	defer w.close()
	peek, err := newRingPeek(k.tp, s.opts.Capture.BlockSize, s.opts.Capture.NumBlocks)
	if err != nil {
		return fmt.Errorf("capture on %q: %w", k.iface, err)
	}
	nextReady := peek.nextReady // made once: a method value is a closure
	for n := 0; ; n++ {
		var data []byte
		var ci gopacket.CaptureInfo
		// When the ring holds nothing more, afpacket is not asked (see ringPeek).
		err := afpacket.ErrTimeout
		drained := peek.drained()
		if !drained {
			data, ci, err = k.tp.ZeroCopyReadPacketData()
		}
		switch {
		case err == nil:
			peek.saw(data)
			d.Decode(LinkTypeEthernet, ci.Timestamp, data)
			b.flushOld(ci.Timestamp.UnixNano(), maxBatchAge)
			if n&4095 != 0 {
				continue
			}
		case errors.Is(err, afpacket.ErrTimeout):
			// The ring is empty. Wait for the kernel's next block; but
			// hand over a pending batch after maxBatchAge of quiet, so
			// that alerts are not held back by a quiet link, and publish
			// the counters each second.
			until := lastStats.Add(time.Second)
			if b.cur != nil && b.cur.n > 0 {
				until = time.Now().Add(time.Duration(maxBatchAge))
			}
			// Drained, the peek knows which block comes next and reads its
			// status. Otherwise afpacket found the ring empty past a block
			// the peek did not follow (the first, or an empty one skipped),
			// and the kernel is asked.
			ready := nextReady
			if !drained {
				peek.forget()
				ready = nil
			}
			if err := w.wait(ctx, until, ready); err != nil && ctx.Err() == nil {
				return fmt.Errorf("capture on %q: waiting for packets: %w", k.iface, err)
			}
			if !time.Now().Before(until) {
				b.flush()
			}
		default:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("capture on %q: %w", k.iface, err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(lastStats) >= time.Second {
			publish()
		}
	}
}

// runEngine feeds the engine until the capture goroutines are done, then
// ends every open episode.
func (s *Sensor) runEngine(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	e := s.engine
	s.refreshDecoys()
	for {
		select {
		case b, ok := <-s.batches:
			if !ok {
				s.stats.touchMu.Lock()
				s.stats.engineDone = true
				s.stats.touchMu.Unlock()
				s.drainTouches()
				e.Flush(time.Now())
				s.publishEngineStats()
				return
			}
			s.process(b)
		case t := <-s.touches:
			e.Touch(&t)
		case now := <-tick.C:
			s.refreshDecoys()
			e.Tick(now)
			s.publishEngineStats()
		}
	}
}

func (s *Sensor) drainTouches() {
	for {
		select {
		case t := <-s.touches:
			s.engine.Touch(&t)
		default:
			return
		}
	}
}

func (s *Sensor) process(b *batch) {
	b.feed(s.engine)
	s.free <- b
}

func (s *Sensor) publishEngineStats() {
	st := s.engine.Stats()
	s.stats.mu.Lock()
	s.stats.engine = st
	s.stats.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (s *Sensor) Stats() LiveStats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return LiveStats{
		Decode:          s.stats.decode,
		KernelPackets:   s.stats.kernelPkts,
		KernelDrops:     s.stats.kernelDrops,
		QueueFreezes:    s.stats.freezes,
		Engine:          s.stats.engine,
		Touches:         s.stats.touches.Load(),
		TouchesDropped:  s.stats.touchDropped.Load(),
		Interfaces:      s.opts.Capture.Interfaces,
		SocketsPerIface: s.opts.Capture.Sockets,
	}
}
