package testkit

import (
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSServer runs a real nats-server with JetStream in the test process,
// on a random loopback port with its store in a new temporary directory
// unless opts say otherwise, and shuts it down when the test ends.
func NATSServer(t testing.TB, opts ...func(*server.Options)) *server.Server {
	t.Helper()
	o := &server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true}
	for _, f := range opts {
		f(o)
	}
	srv, err := server.NewServer(o)
	if err != nil {
		t.Fatalf("nats-server: %v", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		t.Fatalf("nats-server on %s:%d did not start within 10s", o.Host, o.Port)
	}
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	return srv
}

// NATSStore keeps the server's JetStream store in dir: a server started
// again on the same dir finds what the first one stored.
func NATSStore(dir string) func(*server.Options) {
	return func(o *server.Options) { o.StoreDir = dir }
}

// NATSPort makes the server listen on port (0: any), so that a server
// restarted in a test is found where clients were told it is.
func NATSPort(port int) func(*server.Options) {
	return func(o *server.Options) {
		if port == 0 {
			port = server.RANDOM_PORT
		}
		o.Port = port
	}
}

// NATSURL is the client URL of a server on loopback port port.
func NATSURL(port int) string { return fmt.Sprintf("nats://127.0.0.1:%d", port) }

// DeadNATSURL is a loopback URL that nothing listens on just now.
func DeadNATSURL(t testing.TB) string {
	t.Helper()
	return NATSURL(int(FreePort(t, "tcp", "127.0.0.1")))
}

// JetStream connects to the servers at url (a comma-separated list
// reconnects among them) and returns their JetStream context; the
// connection is closed when the test ends.
func JetStream(t testing.TB, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1))
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}
