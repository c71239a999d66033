package block

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish"
)

// fakeSet is a Setter in memory: what was added, in order.
type fakeSet struct {
	mu    sync.Mutex
	adds  []string // "ADDR TIMEOUT" or "ADDR TIMEOUT replace"
	held  map[netip.Addr]time.Duration
	fail  error
	calls int
}

func (f *fakeSet) Add(a netip.Addr, timeout time.Duration, replace bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	s := fmt.Sprintf("%s %s", a, timeout)
	if replace {
		s += " replace"
	}
	f.adds = append(f.adds, s)
	return nil
}

func (f *fakeSet) Elements() (map[netip.Addr]time.Duration, error) { return f.held, nil }
func (f *fakeSet) Close() error                                    { return nil }

func (f *fakeSet) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.adds...)
}

func marshal(t *testing.T, a Alert) []byte {
	t.Helper()
	// The fields as the sensor writes them.
	doc := map[string]any{"@timestamp": a.Timestamp, "event": map[string]any{"kind": a.Event.Kind, "id": a.Event.ID, "action": a.Event.Action},
		"source": map[string]any{"ip": a.Source.IP}, "portsnare": map[string]any{"phase": a.Portsnare.Phase, "suppressed": a.Portsnare.Suppressed}}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTestService(t *testing.T, cfg Config, set *fakeSet, now *time.Time, natsCfg publish.Config) *Service {
	t.Helper()
	s, err := New(cfg, Options{NATS: natsCfg, Internal: DefaultInternal, Setter: set, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHandle(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Timeout = 10 * time.Minute
	cfg.MaxElements = 2
	now := t0
	a := netip.MustParseAddr("198.18.0.9")
	set := &fakeSet{held: map[netip.Addr]time.Duration{a: 5 * time.Minute}} // from before a restart
	s := newTestService(t, cfg, set, &now, publish.Config{})

	s.Handle(marshal(t, alertDoc("198.18.0.10", nil)))                                                      // block
	s.Handle(marshal(t, alertDoc("198.18.0.10", func(x *Alert) { x.Portsnare.Phase = "update" })))          // held: same time
	s.Handle(marshal(t, alertDoc("198.18.0.9", func(x *Alert) { x.Timestamp = t0.Add(-6 * time.Minute) }))) // held: the kernel's is longer
	s.Handle(marshal(t, alertDoc("198.18.0.9", nil)))                                                       // extend
	s.Handle(marshal(t, alertDoc("198.18.0.11", nil)))                                                      // full
	s.Handle(marshal(t, alertDoc("198.18.0.12", func(x *Alert) { x.Portsnare.Suppressed = true })))         // suppressed
	s.Handle([]byte(`{"event":`))                                                                           // undecodable
	want := []string{"198.18.0.10 10m0s", "198.18.0.9 10m0s replace"}
	if got := set.got(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("adds %q, want %q", got, want)
	}
	st := s.Stats()
	if st.Blocked != 1 || st.Extended != 1 || st.Held != 2 || st.Skipped[SkipFull] != 1 || st.Skipped[SkipSuppressed] != 1 ||
		st.Skipped[SkipUndecodable] != 1 || st.Elements != 2 {
		t.Fatalf("stats %+v", st)
	}

	// A failing nftables is counted, and the address is not taken as blocked.
	set.fail = errors.New("netlink: boom")
	now = t0.Add(11 * time.Minute) // everything above has expired
	s.Handle(marshal(t, alertDoc("198.18.0.20", func(x *Alert) { x.Timestamp = now })))
	if st := s.Stats(); st.Errors != 1 || s.Blocked(netip.MustParseAddr("198.18.0.20")) {
		t.Fatalf("after a failure: stats %+v, blocked %v", st, s.Blocked(netip.MustParseAddr("198.18.0.20")))
	}
}

// The service reads the stream through its durable consumer; a restart
// re-applies the decisions still in force with the time they have left and
// does not block again those that have run out.
func TestServiceRestart(t *testing.T) {
	srv := testkit.NATSServer(t)
	natsCfg := publish.DefaultConfig()
	natsCfg.URLs = []string{srv.ClientURL()}
	js := testkit.JetStream(t, srv.ClientURL())
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: natsCfg.Stream, Subjects: []string{"portsnare.>"}}); err != nil {
		t.Fatal(err)
	}
	// The stream's own clock decides which alerts a consumer starting at
	// now − timeout sees; the alerts' times decide what is left of each.
	wall := time.Now()
	pub := func(subject string, a Alert) {
		t.Helper()
		if _, err := js.Publish(ctx, subject, marshal(t, a)); err != nil {
			t.Fatal(err)
		}
	}
	at := func(d time.Duration) func(*Alert) { return func(a *Alert) { a.Timestamp = wall.Add(d) } }
	pub("portsnare.alert.s1.portscan", alertDoc("198.18.0.10", at(-50*time.Second)))
	pub("portsnare.alert.s1.portscan", alertDoc("198.18.0.11", at(-5*time.Second)))
	pub("portsnare.suppressed.s1.portscan", alertDoc("198.18.0.12", func(a *Alert) { a.Timestamp = wall; a.Portsnare.Suppressed = true }))
	pub("portsnare.audit.s1.nessus", alertDoc("198.18.0.13", func(a *Alert) { a.Timestamp = wall; a.Event.Kind = "event" }))

	cfg := DefaultConfig()
	cfg.Timeout = time.Minute
	run := func(now time.Time, seen uint64) (*fakeSet, Stats) {
		t.Helper()
		set := &fakeSet{}
		s := newTestService(t, cfg, set, &now, natsCfg)
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		testkit.WaitFor(t, 10*time.Second, fmt.Sprintf("the service to judge %d alerts", seen), func() bool {
			st := s.Stats()
			n := st.Blocked + st.Held + st.Extended
			for _, v := range st.Skipped {
				n += v
			}
			return n >= seen
		})
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		return set, s.Stats()
	}
	// First start: both alerts are blocked for what is left of them; the
	// suppressed one is read and skipped; the report is not on the
	// subjects read.
	set, st := run(wall, 3)
	want := "198.18.0.10 10s,198.18.0.11 55s"
	if got := strings.Join(set.got(), ","); got != want {
		t.Fatalf("first start: adds %q, want %q", got, want)
	}
	if st.Skipped[SkipSuppressed] != 1 || st.Skipped[SkipNotAlert] != 0 {
		t.Fatalf("first start: stats %+v", st)
	}
	// Thirty seconds later (the sets emptied, as after a reboot): the
	// decision on .10 has run out and is not applied again; .11's is,
	// with what is left of it.
	set, st = run(wall.Add(30*time.Second), 3)
	want = "198.18.0.11 25s"
	if got := strings.Join(set.got(), ","); got != want {
		t.Fatalf("after a restart: adds %q, want %q", got, want)
	}
	if st.Skipped[SkipExpired] != 1 {
		t.Fatalf("after a restart: stats %+v, want .10 skipped as expired", st)
	}
}
