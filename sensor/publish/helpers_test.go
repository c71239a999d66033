package publish

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
)

// startServer runs a real nats-server with JetStream on a random loopback
// port, its store in store (a new temporary directory when empty). port
// 0 means any.
func startServer(t testing.TB, store string, port int, tweak ...func(*server.Options)) *server.Server {
	t.Helper()
	if store == "" {
		store = t.TempDir()
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	o := &server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: store, NoLog: true, NoSigs: true}
	for _, f := range tweak {
		f(o)
	}
	srv, err := server.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	return srv
}

func serverPort(srv *server.Server) int {
	return srv.Addr().(*net.TCPAddr).Port
}

// freePort returns a loopback port nothing listens on (just now).
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func urlFor(port int) string { return "nats://127.0.0.1:" + strconv.Itoa(port) }

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

// logBuffer collects a publisher's log for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a Publisher with its Run goroutine.
type running struct {
	*Publisher
	cancel context.CancelFunc
	done   chan error
	log    *logBuffer
}

// startPublisher makes a Publisher and runs it until the test ends.
func startPublisher(t testing.TB, cfg Config) *running {
	t.Helper()
	lb := &logBuffer{}
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
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := r.Stats()
		if st.Queued == 0 && st.Spooled+int(st.Published) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts not spooled: %+v", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
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
