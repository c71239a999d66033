package publish

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/internal/testkit"
)

func serverPort(srv *server.Server) int {
	return srv.Addr().(*net.TCPAddr).Port
}

// testConfig publishes to url with a spool in spoolDir (a new temporary
// directory when empty).
func testConfig(t testing.TB, url, spoolDir string) Config {
	if spoolDir == "" {
		spoolDir = t.TempDir()
	}
	c := Config{SpoolDir: spoolDir, PublishTimeout: 2 * time.Second, FlushTimeout: 2 * time.Second}
	if url != "" {
		c.URLs = []string{url}
	}
	c.DataDir = t.TempDir()
	return c
}

// running is a Publisher with its Run goroutine.
type running struct {
	*Publisher
	cancel context.CancelFunc
	done   chan error
	log    *testkit.Buffer
}

// startPublisher makes a Publisher and runs it until the test ends.
func startPublisher(t testing.TB, cfg Config) *running {
	t.Helper()
	lb := &testkit.Buffer{}
	p, err := New(cfg, slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Publisher: p, cancel: cancel, done: make(chan error, 1), log: lb}
	go func() { r.done <- p.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop ends Run and returns its error.
func (r *running) stop(t testing.TB) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

func (r *running) flush(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.Flush(ctx); err != nil {
		t.Fatalf("flush: %v\nlog:\n%s", err, r.log)
	}
}

// waitSpooled waits until every published alert is in the spool.
func (r *running) waitSpooled(t testing.TB, n int) {
	t.Helper()
	testkit.WaitFor(t, 10*time.Second, fmt.Sprintf("%d alerts spooled", n), func() bool {
		st := r.Stats()
		return st.Queued == 0 && st.Spooled+int(st.Published) >= n
	})
}

// alert returns a distinct alert: its id names i and the phase.
func alert(i int, phase detect.Phase) *detect.Alert {
	return &detect.Alert{
		Timestamp: time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Message:   fmt.Sprintf("SYN portscan: 198.18.0.%d probed 20 ports on 198.18.0.2", i%250),
		Event:     detect.Event{Kind: "alert", ID: fmt.Sprintf("id-%05d-%s", i, phase), Action: detect.ActionPortscan, Category: []string{"network", "intrusion_detection"}, Type: []string{"info"}, Severity: 3},
		Source:    detect.Endpoint{IP: fmt.Sprintf("198.18.0.%d", i%250)},
		Related:   detect.Related{IP: []string{fmt.Sprintf("198.18.0.%d", i%250)}},
		Network:   detect.Network{Transport: "tcp"},
		Threat:    detect.Threat{Framework: "MITRE ATT&CK", Technique: detect.ThreatTechnique{ID: []string{"T1046"}, Name: []string{"Network Service Discovery"}}},
		Observer:  detect.Observer{Type: "ids", Product: "portsnare", Hostname: "sensor-1.example.com"},
		Portsnare: detect.PortsnareData{Phase: phase, Episode: fmt.Sprintf("ep-%d", i), Scan: detect.ScanData{Technique: "syn", Order: "random", Ports: 20}},
	}
}

// stored returns every message of the stream, in order.
func stored(t testing.TB, url, stream string) []jetstream.Msg {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	n := s.CachedInfo().State.Msgs
	var out []jetstream.Msg
	if n == 0 {
		return nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for uint64(len(out)) < n {
		batch, err := c.Fetch(int(n)-len(out), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			out = append(out, m)
		}
		if batch.Error() != nil {
			t.Fatal(batch.Error())
		}
	}
	return out
}

func ids(ms []jetstream.Msg) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Headers().Get(jetstream.MsgIDHeader)
	}
	return out
}

func jsFor(t testing.TB, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// doc renders a as the publisher gets alerts: ECS, with its routing.
func doc(a *detect.Alert) *render.Document {
	d, err := render.Make(a, render.ECS)
	if err != nil {
		panic(err)
	}
	return d
}
