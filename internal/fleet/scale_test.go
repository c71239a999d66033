package fleet

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/internal/testkit"
)

// seen is one first contact a sensor sees: refused by its target, or
// accepted.
type seen struct {
	at       time.Time
	src, dst netip.Addr
	port     uint16
	nmap     bool // nmap's SYN (window 1024, MSS only): the tool is named
	accepted bool
}

// see feeds the sensor's engine the contacts, in packet time, each SYN
// answered by a RST or a SYN-ACK.
func (s *fleetSensor) see(cs []seen) {
	slices.SortStableFunc(cs, func(a, b seen) int { return a.at.Compare(b.at) })
	for i, c := range cs {
		p := detect.Probe{Time: c.at, Src: c.src, Dst: c.dst, Proto: detect.ProtoTCP, Technique: detect.TechSYN,
			SrcPort: 40000 + uint16(i), DstPort: c.port, Seq: uint32(7919 * (i + 1)), Flags: 0x02, TTL: 52, Window: 64240}
		if c.nmap {
			p.Window, p.FP = 1024, detect.FPMSSOnly
		}
		s.eng.Probe(&p)
		out := detect.Failed
		if c.accepted {
			out = detect.Succeeded
		}
		s.eng.Reply(&detect.Reply{Time: c.at.Add(time.Millisecond), Prober: c.src, Target: c.dst, Proto: detect.ProtoTCP,
			ProberPort: p.SrcPort, TargetPort: c.port, Outcome: out, AnswersProbe: true})
	}
}

// scaleScenario is what three sensors see: scanners each spread so thinly
// over the sensors that none alerts alone, and background sources, each
// refused twice on one sensor, and every third also accepted once. Half the scanners fall in partitions 0-7,
// half in 8-15, so that both instances of a split have scans to judge.
// Every scanner has its own port set, and every background source its own
// targets: campaigns and distributed scans — patterns across sources,
// which each instance judges on its own share — are not what this
// scenario is about.
type scaleScenario struct {
	scanners []netip.Addr // as the alerts name them (an IPv6 scanner by its /64)
	contacts map[string][]seen
}

func newScaleScenario(t *testing.T, partitions int) *scaleScenario {
	t.Helper()
	sc := &scaleScenario{contacts: map[string][]seen{}}
	sensors := []string{"edge-a", "edge-b", "edge-c"}
	half := partitions / 2
	var low, high []netip.Addr
	for i := 1; len(low) < 4 || len(high) < 4; i++ {
		a := netip.AddrFrom4([4]byte{203, 0, 113, byte(i)})
		if Partition(a, partitions) < half && len(low) < 4 {
			low = append(low, a)
		} else if Partition(a, partitions) >= half && len(high) < 4 {
			high = append(high, a)
		}
	}
	// An IPv6 scanner hopping addresses in its /64: each sensor sees
	// another address, every one routed to the partition of the /64.
	v6 := netip.MustParseAddr("2001:db8:5ca1:e::")
	for i, src := range append(append(low, high...), v6) {
		sc.scanners = append(sc.scanners, src)
		start := t0.Add(time.Duration(i) * 3 * time.Second)
		for j, sensor := range sensors {
			from := src
			if src.Is6() {
				b := src.As16()
				b[15] = byte(0x10 + j)
				from = netip.AddrFrom16(b)
			}
			for k := range 3 {
				c := seen{at: start.Add(time.Duration(3*j+k) * 50 * time.Millisecond), src: from, nmap: true}
				if i%2 == 0 { // a vertical scan of one host: 3 ports on each sensor, 9 in all
					c.dst, c.port = netip.AddrFrom4([4]byte{198, 18, 10, byte(i)}), uint16(1000*(i+1)+3*j+k)
				} else { // a sweep of one port: 3 hosts behind each sensor
					c.dst, c.port = netip.AddrFrom4([4]byte{198, 18, byte(20 + i), byte(1 + 3*j + k)}), uint16(2000+i)
				}
				sc.contacts[sensor] = append(sc.contacts[sensor], c)
			}
		}
	}
	if len(low) == 0 || len(high) == 0 {
		t.Fatal("scenario: scanners in one half of the partitions only")
	}
	for i := range 300 {
		src := netip.AddrFrom4([4]byte{100, 64, byte(i / 250), byte(1 + i%250)})
		dst := netip.AddrFrom4([4]byte{198, 19, byte(i / 250), byte(1 + i%250)})
		at := t0.Add(time.Duration(i) * 100 * time.Millisecond)
		sensor := sensors[i%3]
		sc.contacts[sensor] = append(sc.contacts[sensor], seen{at: at, src: src, dst: dst, port: 443},
			seen{at: at.Add(time.Second), src: src, dst: dst, port: 8443})
		if i%3 == 0 {
			sc.contacts[sensor] = append(sc.contacts[sensor], seen{at: at.Add(2 * time.Second), src: src, dst: dst, port: 80, accepted: true})
		}
	}
	return sc
}

// takenRecord is one evidence record as an instance took it.
type takenRecord struct {
	sensor string
	rec    Record
}

func (r takenRecord) key() string {
	return fmt.Sprintf("%s|%d|%s|%s|%d|%d|%s|%s", r.sensor, r.rec.T, r.rec.Src, r.rec.Dst, r.rec.Proto, r.rec.Port, r.rec.Tech, r.rec.Kind)
}

// takeLog notes every record a correlator instance is handed, then hands
// the batch on.
type takeLog struct {
	c     *Correlator
	taken []takenRecord
}

func (l *takeLog) Add(b *Batch) {
	for _, r := range b.Records {
		l.taken = append(l.taken, takenRecord{sensor: b.Sensor, rec: r})
	}
	l.c.Add(b)
}

// alertKey is what must be the same whichever instance raised an alert:
// its id (derived from the episode, not the instance), action, phase,
// source, and the sensors and targets it names.
func alertKey(a *detect.Alert) string {
	var sensors, targets []string
	if fd := a.Portsnare.Fleet; fd != nil {
		sensors, targets = fd.Sensors, fd.Targets
	}
	return fmt.Sprintf("%s %s %s %s sensors=%v targets=%v", a.Event.ID, a.Event.Action, a.Portsnare.Phase, a.Source.IP, sensors, targets)
}

// runInstance runs one correlator on the partitions parts until its
// consumer has taken everything there is, and returns what it took and
// raised.
func runInstance(t *testing.T, ctx context.Context, js jetstream.JetStream, name, parts string) (*takeLog, []*detect.Alert) {
	t.Helper()
	cfg := DefaultCorrelateConfig()
	cfg.Name, cfg.Partitions = name, parts
	if err := cfg.Validate(DefaultConfig().Partitions); err != nil {
		t.Fatal(err)
	}
	owned, _ := ParsePartitions(parts, DefaultConfig().Partitions)
	var alerts []*detect.Alert
	c, err := NewCorrelator(cfg, detect.DefaultConfig(), nil, func(a *detect.Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	log := &takeLog{c: c}
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	// As portsnare correlate names it: one durable consumer per instance.
	err = Consume(cctx, js, ConsumeOptions{Stream: "PORTSNARE_EVIDENCE", Prefix: "portsnare", Partitions: owned,
		Consumer: "correlate-" + name, Fleet: DefaultConfig()}, log, stop) // the first idle fetch: all taken
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c.Flush(t0.Add(time.Hour))
	return log, alerts
}

// Two correlator instances share a partitioned evidence stream: each
// record is taken by exactly one of them, each source's evidence is
// judged in one place, and the fleet alerts are those one instance
// owning every partition raises.
func TestTwoInstancesShareTheEvidence(t *testing.T) {
	srv := testkit.NATSServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	// The sensors publish their evidence, each through a spool of its
	// own, and keep what they sent to compare.
	ncfg := evidenceConfig(srv.ClientURL())
	sc := newScaleScenario(t, DefaultConfig().Partitions)
	var mu sync.Mutex
	var sent []takenRecord
	parts := map[int]bool{}
	for _, name := range []string{"edge-a", "edge-b", "edge-c"} {
		pub := evidencePublisher(t, ctx, ncfg)
		s := newFleetSensor(t, name, func(d *render.Document) {
			b, err := DecodeBatch(d.Body)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			parts[b.Partition] = true
			for _, r := range b.Records {
				sent = append(sent, takenRecord{sensor: b.Sensor, rec: r})
			}
			pub.Publish(d)
		})
		s.see(sc.contacts[name])
		s.finish(t0.Add(time.Hour))
		if len(s.alerts) != 0 {
			t.Fatalf("sensor %s alerted alone: %s", name, s.alerts[0].Message)
		}
		if err := pub.Flush(ctx); err != nil {
			t.Fatalf("evidence not published: %v", err)
		}
	}
	if len(parts) != DefaultConfig().Partitions {
		t.Fatalf("evidence in %d partitions of %d: the scenario should cover them all", len(parts), DefaultConfig().Partitions)
	}

	js := testkit.JetStream(t, srv.ClientURL())

	// (a) one instance owning every partition.
	_, one := runInstance(t, ctx, js, "one", "")
	// (b) two instances at once, each owning half, as
	// "portsnare correlate --partitions 0-7" and "--partitions 8-15" do.
	var wg sync.WaitGroup
	logs := make([]*takeLog, 2)
	split := make([][]*detect.Alert, 2)
	for i, p := range []string{"0-7", "8-15"} {
		wg.Go(func() { logs[i], split[i] = runInstance(t, ctx, js, fmt.Sprintf("half-%d", i), p) })
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// Every record sent is taken by exactly one instance, once.
	want := map[string]int{}
	for _, r := range sent {
		want[r.key()]++
	}
	takenBy := map[string][]int{}
	sourceAt := map[netip.Addr]map[int]bool{}
	for i, l := range logs {
		if len(l.taken) == 0 {
			t.Errorf("instance %d took no evidence", i)
		}
		for _, r := range l.taken {
			takenBy[r.key()] = append(takenBy[r.key()], i)
			if sourceAt[r.rec.Src] == nil {
				sourceAt[r.rec.Src] = map[int]bool{}
			}
			sourceAt[r.rec.Src][i] = true
		}
	}
	for k, n := range want {
		if n != 1 {
			t.Errorf("record sent %d times: %s", n, k)
		}
		if got := takenBy[k]; len(got) != 1 {
			t.Errorf("record taken by instances %v, want exactly one: %s", got, k)
		}
	}
	for k := range takenBy {
		if want[k] == 0 {
			t.Errorf("record taken that no sensor sent: %s", k)
		}
	}
	// Each source is judged in one place.
	for src, at := range sourceAt {
		if len(at) != 1 {
			t.Errorf("source %s's evidence went to %d instances", src, len(at))
		}
	}

	// The same fleet alerts, with one instance or two.
	keys := func(alerts []*detect.Alert) []string {
		var ks []string
		for _, a := range alerts {
			ks = append(ks, alertKey(a))
		}
		slices.SortFunc(ks, cmp.Compare)
		return ks
	}
	oneKeys, splitKeys := keys(one), keys(append(slices.Clone(split[0]), split[1]...))
	if !slices.Equal(oneKeys, splitKeys) {
		t.Errorf("alerts differ:\none instance:\n  %s\ntwo instances:\n  %s",
			strings.Join(oneKeys, "\n  "), strings.Join(splitKeys, "\n  "))
	}

	// ... and they are the scanners', every one: the comparison is not
	// of two empty sets.
	started := map[string]bool{}
	for _, a := range one {
		if a.Portsnare.Phase == detect.PhaseStart && strings.HasPrefix(string(a.Event.Action), "fleet-") {
			started[a.Source.IP] = true
		}
	}
	for _, s := range sc.scanners {
		if !started[s.String()] {
			t.Errorf("no fleet alert on scanner %s", s)
		}
	}
	if len(started) != len(sc.scanners) {
		t.Errorf("fleet alerts on %d sources, want the %d scanners", len(started), len(sc.scanners))
	}
	for i, alerts := range split {
		if len(alerts) == 0 {
			t.Errorf("instance %d raised nothing: the split did not give it a scanner", i)
		}
	}
}
