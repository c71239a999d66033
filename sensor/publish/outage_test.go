package publish

import (
	"fmt"
	"slices"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// The server goes away; alerts raised meanwhile wait in the spool; the
// sensor restarts during the outage (a new Publisher on the same spool);
// the server comes back on the same port and store: every alert is in the
// stream exactly once, in the order raised.
func TestOutageAndRestart(t *testing.T) {
	const before, during = 5, 40
	store := t.TempDir()
	srv := testkit.NATSServer(t, testkit.NATSStore(store))
	port := serverPort(srv)
	spoolDir := t.TempDir()
	cfg := testConfig(t, testkit.NATSURL(port), spoolDir)

	p := startPublisher(t, cfg)
	var want []string
	raise := func(p *running, i int) {
		a := alert(i, detect.PhaseStart)
		want = append(want, a.Event.ID)
		p.Publish(doc(a))
	}
	for i := range before {
		raise(p, i)
	}
	p.flush(t)

	srv.Shutdown()
	srv.WaitForShutdown()
	for i := before; i < before+during/2; i++ {
		raise(p, i)
	}
	p.waitSpooled(t, before+during/2)
	if err := p.stop(t); err != nil { // the sensor stops during the outage
		t.Fatal(err)
	}
	if st := p.Stats(); st.Spooled != during/2 || st.Dropped != 0 {
		t.Fatalf("after stopping: %+v", st)
	}

	p2 := startPublisher(t, cfg) // and starts again, still without NATS
	if st := p2.Stats(); st.Spooled != during/2 {
		t.Fatalf("spool not reloaded: %+v", st)
	}
	for i := before + during/2; i < before+during; i++ {
		raise(p2, i)
	}
	p2.waitSpooled(t, during)

	srv = testkit.NATSServer(t, testkit.NATSStore(store), testkit.NATSPort(port))
	p2.flush(t)
	got := ids(stored(t, srv.ClientURL(), "PORTSNARE"))
	if !slices.Equal(got, want) {
		t.Errorf("stream holds %d alerts, want %d in order:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	if st := p2.Stats(); st.Published != during || st.Dropped != 0 || st.Spooled != 0 {
		t.Errorf("stats after the outage: %+v", st)
	}
}

// A publisher whose server is down at start spools, and publishes once the
// server is up, without a restart.
func TestServerDownAtStart(t *testing.T) {
	port := int(testkit.FreePort(t, "tcp", "127.0.0.1"))
	p := startPublisher(t, testConfig(t, testkit.NATSURL(port), ""))
	for i := range 10 {
		p.Publish(doc(alert(i, detect.PhaseStart)))
	}
	p.waitSpooled(t, 10)
	srv := testkit.NATSServer(t, testkit.NATSPort(port))
	p.flush(t)
	if got := stored(t, srv.ClientURL(), "PORTSNARE"); len(got) != 10 {
		t.Errorf("%d stored, want 10", len(got))
	}
	if st := p.Stats(); st.Errors == 0 {
		t.Errorf("failed connection attempts not counted: %+v", st)
	}
}

// Flush gives up quickly, saying how many alerts are not published and
// why, when the server is unreachable.
func TestFlushUnreachable(t *testing.T) {
	port := int(testkit.FreePort(t, "tcp", "127.0.0.1"))
	p := startPublisher(t, testConfig(t, testkit.NATSURL(port), ""))
	p.Publish(doc(alert(1, detect.PhaseStart)))
	p.Publish(doc(alert(2, detect.PhaseStart)))
	err := p.Flush(t.Context())
	if err == nil {
		t.Fatal("Flush succeeded with no server")
	}
	if want := fmt.Sprintf("2 alerts not published to NATS at nats://127.0.0.1:%d", port); !contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// A server that comes back without its store (the stream gone) gets the
// stream created again, and the alerts.
func TestStreamRecreated(t *testing.T) {
	srv := testkit.NATSServer(t)
	port := serverPort(srv)
	p := startPublisher(t, testConfig(t, testkit.NATSURL(port), ""))
	p.Publish(doc(alert(1, detect.PhaseStart)))
	p.flush(t)
	srv.Shutdown()
	srv.WaitForShutdown()
	srv = testkit.NATSServer(t, testkit.NATSPort(port)) // a new, empty store
	p.Publish(doc(alert(2, detect.PhaseStart)))
	p.flush(t)
	if got := ids(stored(t, srv.ClientURL(), "PORTSNARE")); !slices.Equal(got, []string{"id-00002-start"}) {
		t.Errorf("stored %v", got)
	}
}
