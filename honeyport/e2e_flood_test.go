//go:build linux

package honeyport

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// floodEnv carries the flooder's orders into the re-executed test binary.
// It is not a PORTSNARE_ variable: the sensor's loader rejects unknown ones.
const floodEnv = "HONEYPORT_FLOOD_HELPER"

// TestFloodHelper is not a test: TestE2EFlood re-runs the test binary in the
// attacker's namespace with floodEnv set, to flood from there, so that the
// flood's sockets and goroutines are not counted against the decoys.
// Without the variable it returns at once.
//
// Orders: "flood TARGETS SOURCES DURATION HOLD": from every source address
// in turn, connect to every target (host:port) in turn, as fast as 64
// dialers can for DURATION, keeping up to HOLD connections open at once;
// every fourth sends a byte every 200 ms and never reads (a slowloris), the
// others send nothing. "touch TARGET SOURCE TEXT": one connection that
// sends TEXT.
func TestFloodHelper(t *testing.T) {
	spec := os.Getenv(floodEnv)
	if spec == "" {
		return
	}
	f := strings.Fields(spec)
	var err error
	switch f[0] {
	case "flood":
		d, _ := time.ParseDuration(f[3])
		hold, _ := strconv.Atoi(f[4])
		err = flood(strings.Split(f[1], ","), strings.Split(f[2], ","), d, hold)
	case "touch":
		err = touchOnce(f[1], f[2], f[3])
	default:
		err = fmt.Errorf("unknown orders %q", spec)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "flood helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func flood(targets, sources []string, d time.Duration, hold int) error {
	const dialers = 64
	var attempts, connected, failed atomic.Int64
	var mu sync.Mutex
	held := make([]net.Conn, 0, hold) // a ring: the oldest is closed to make room
	next := 0
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range dialers {
		wg.Go(func() {
			for i := w; time.Now().Before(stop); i += dialers {
				src := sources[i%len(sources)]
				dl := net.Dialer{Timeout: time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
				attempts.Add(1)
				c, err := dl.Dial("tcp", targets[i%len(targets)])
				if err != nil {
					failed.Add(1)
					continue
				}
				connected.Add(1)
				mu.Lock()
				if len(held) < hold {
					held = append(held, c)
				} else {
					held[next].Close()
					held[next] = c
					next = (next + 1) % hold
				}
				mu.Unlock()
			}
		})
	}
	// The slowloris: a byte every 200 ms on every fourth held connection.
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			mu.Lock()
			for i := 0; i < len(held); i += 4 {
				held[i].SetWriteDeadline(time.Now().Add(time.Millisecond))
				held[i].Write([]byte{'.'})
			}
			mu.Unlock()
		}
	}()
	wg.Wait()
	close(done)
	fmt.Printf("attempts=%d connected=%d failed=%d held=%d\n", attempts.Load(), connected.Load(), failed.Load(), len(held))
	for _, c := range held {
		c.Close()
	}
	return nil
}

func touchOnce(target, src, text string) error {
	dl := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	c, err := dl.Dial("tcp", target)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Write([]byte(text))
	return err
}

// usage is what the decoys' process holds at one moment.
type usage struct {
	goroutines, fds int
	rssKiB          int
	goKiB           int // Go heap and stacks in use: the decoys' memory without the race detector's
}

func measure(t *testing.T) usage {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u := usage{goroutines: runtime.NumGoroutine(), fds: len(fds), goKiB: int(ms.HeapInuse+ms.StackInuse) >> 10}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			u.rssKiB, _ = strconv.Atoi(strings.Fields(v)[0])
		}
	}
	return u
}

func (u usage) max(o usage) usage {
	return usage{max(u.goroutines, o.goroutines), max(u.fds, o.fds), max(u.rssKiB, o.rssKiB), max(u.goKiB, o.goKiB)}
}

// floodFor is how long the flood lasts; HONEYPORT_FLOOD_FOR changes it,
// to see that the bounds do not move with the flood's length.
func floodFor() string {
	if d := os.Getenv("HONEYPORT_FLOOD_FOR"); d != "" {
		return d
	}
	return "8s"
}

// A flood of thousands of connections from 32 sources, a quarter of them
// slowloris clients, against two decoys: goroutines, file descriptors and
// memory of the decoys' process stay within what the caps allow, and once
// the flood is over a new source's touch still arrives.
func TestE2EFlood(t *testing.T) {
	testkit.RequireE2E(t)
	n := newTestNet(t)
	sources := n.addPeers(32)
	late := n.addPeers(1)[0]
	ports := pickE2EPorts(t)

	cfg := testConfig(itoa(ports.silent), itoa(ports.ssh))
	cfg.Addresses = []string{n.host()}
	cfg.Banners = []string{itoa(ports.ssh) + "=ssh"}
	cfg.ReadTimeout = 2 * time.Second
	cfg.MaxConns = 256
	cfg.MaxConnsPerSource = 16

	var touches atomic.Int64
	lateTouch := make(chan detect.Touch, 1)
	lateAddr := netip.MustParseAddr(late)
	onTouch := func(tc detect.Touch) {
		touches.Add(1)
		if tc.Src == lateAddr {
			lateTouch <- tc
		}
	}

	runtime.GC()
	base := measure(t)
	d := start(t, cfg, onTouch)
	idle := measure(t)

	// Sample while the flood runs.
	ctx, stopSampling := context.WithCancel(context.Background())
	peakCh := make(chan usage)
	go func() {
		peak := idle
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				peakCh <- peak
				return
			case <-tick.C:
				peak = peak.max(measure(t))
			}
		}
	}()
	targets := n.host() + ":" + itoa(ports.silent) + "," + n.host() + ":" + itoa(ports.ssh)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	out := n.in(60*time.Second, []string{floodEnv + "=flood " + targets + " " + strings.Join(sources, ",") + " " + floodFor() + " 4000"},
		exe, "-test.run=^TestFloodHelper$")
	floodTook := time.Since(began)
	stopSampling()
	peak := <-peakCh
	st := d.Stats()
	t.Logf("flooder: %s(%v)", strings.TrimSpace(out), floodTook.Round(time.Millisecond))
	t.Logf("decoys: %+v", st)
	t.Logf("goroutines: base %d, idle %d, peak %d", base.goroutines, idle.goroutines, peak.goroutines)
	t.Logf("fds:        base %d, idle %d, peak %d", base.fds, idle.fds, peak.fds)
	t.Logf("RSS KiB:    base %d, idle %d, peak %d (race detector: %v)", base.rssKiB, idle.rssKiB, peak.rssKiB, raceEnabled)
	t.Logf("Go heap+stacks KiB: base %d, idle %d, peak %d", base.goKiB, idle.goKiB, peak.goKiB)

	// Bounds: a goroutine and a file descriptor per admitted connection,
	// plus a few in passing (one being accepted per listener, the
	// sampler, the test's own).
	slack := 16
	if peak.goroutines > idle.goroutines+cfg.MaxConns+slack {
		t.Errorf("peak goroutines %d > idle %d + max_conns %d + %d", peak.goroutines, idle.goroutines, cfg.MaxConns, slack)
	}
	if peak.fds > idle.fds+cfg.MaxConns+slack {
		t.Errorf("peak fds %d > idle %d + max_conns %d + %d", peak.fds, idle.fds, cfg.MaxConns, slack)
	}
	// Memory: per admitted connection a goroutine stack and record_bytes,
	// a few KiB, and the touch queue. 16 MiB is far above what the caps
	// allow and far below what an unbounded flood would take (the flood
	// makes about 10,000 connections a second). The race detector's shadow
	// memory adds to RSS, up to about 75 MiB here, then levels off however
	// long the flood lasts.
	if grew := peak.goKiB - idle.goKiB; grew > 16<<10 {
		t.Errorf("Go heap and stacks grew by %d KiB under the flood", grew)
	}
	rssLimit := 32 << 10
	if raceEnabled {
		rssLimit = 160 << 10
	}
	if grew := peak.rssKiB - idle.rssKiB; grew > rssLimit {
		t.Errorf("RSS grew by %d KiB under the flood, limit %d KiB", grew, rssLimit)
	}
	if st.Rejected == 0 || st.Touches+st.TouchesDropped < uint64(cfg.MaxConns) {
		t.Errorf("the flood did not reach the caps: %+v", st)
	}

	// Afterwards: connections drain by their deadline, and a new source is
	// still seen.
	testkit.WaitFor(t, 10*time.Second, "connections to drain", func() bool { return d.Stats().ActiveConns == 0 })
	n.in(20*time.Second, []string{floodEnv + "=touch " + n.host() + ":" + itoa(ports.silent) + " " + late + " after-the-flood"},
		exe, "-test.run=^TestFloodHelper$")
	select {
	case tc := <-lateTouch:
		if !tc.Handshake || string(tc.First) != "after-the-flood" {
			t.Errorf("late touch %+v", tc)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no touch from a new source after the flood; stats %+v", d.Stats())
	}
	testkit.WaitFor(t, 10*time.Second, "goroutines to settle", func() bool { return runtime.NumGoroutine() <= idle.goroutines+2 })
	after := measure(t)
	t.Logf("after: goroutines %d, fds %d, RSS %d KiB", after.goroutines, after.fds, after.rssKiB)
	if after.fds > idle.fds+2 {
		t.Errorf("fds after the flood %d, idle %d", after.fds, idle.fds)
	}
}
