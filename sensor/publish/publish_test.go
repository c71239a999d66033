package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// An alert and a suppressed alert go to their subjects, with event.id as
// Nats-Msg-Id and the alert's JSON as payload, in a stream the publisher
// created with the configured limits.
func TestRoundTrip(t *testing.T) {
	srv := testkit.NATSServer(t)
	p := startPublisher(t, testConfig(t, srv.ClientURL(), ""))
	a := alert(1, detect.PhaseStart)
	s := alert(2, detect.PhaseEnd)
	s.Portsnare.Suppressed = true
	s.Portsnare.Allowlist = &detect.Allowlist{Rule: "vuln-scanner"}
	s.Event.Action = detect.ActionPortsweep
	p.Publish(doc(a))
	p.Publish(doc(s))
	p.flush(t)

	ms := stored(t, srv.ClientURL(), "PORTSNARE")
	if len(ms) != 2 {
		t.Fatalf("%d messages stored, want 2", len(ms))
	}
	for i, want := range []struct {
		subject string
		a       *detect.Alert
	}{
		{"portsnare.alert.sensor-1_example_com.portscan", a},
		{"portsnare.suppressed.sensor-1_example_com.portsweep", s},
	} {
		m := ms[i]
		if m.Subject() != want.subject {
			t.Errorf("subject %q, want %q", m.Subject(), want.subject)
		}
		if got := m.Headers().Get(jetstream.MsgIDHeader); got != want.a.Event.ID {
			t.Errorf("Nats-Msg-Id %q, want %q", got, want.a.Event.ID)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(want.a)
		if string(m.Data())+"\n" != buf.String() {
			t.Errorf("payload\n%s\nwant\n%s", m.Data(), buf.String())
		}
		if !bytes.Contains(m.Data(), []byte("ATT&CK")) {
			t.Errorf("HTML-escaped payload: %s", m.Data())
		}
	}

	nc, _ := nats.Connect(srv.ClientURL())
	defer nc.Close()
	js, _ := jetstream.New(nc)
	st, err := js.Stream(context.Background(), "PORTSNARE")
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	if !slices.Equal(cfg.Subjects, []string{"portsnare.alert.>", "portsnare.suppressed.>", "portsnare.audit.>"}) || cfg.Storage != jetstream.FileStorage ||
		cfg.MaxAge != 30*24*time.Hour || cfg.MaxBytes != 1<<30 || cfg.Duplicates != time.Hour {
		t.Errorf("stream config: %+v", cfg)
	}
	if got := p.Stats(); got.Published != 2 || got.Spooled != 0 || got.Dropped != 0 || !got.Connected {
		t.Errorf("stats: %+v", got)
	}
}

// The same alert published twice — as after an acknowledgement lost to a
// reconnection — is stored once.
func TestSameAlertStoredOnce(t *testing.T) {
	srv := testkit.NATSServer(t)
	p := startPublisher(t, testConfig(t, srv.ClientURL(), ""))
	a := alert(1, detect.PhaseStart)
	p.Publish(doc(a))
	p.flush(t)
	p.Publish(doc(a))
	p.Publish(doc(alert(2, detect.PhaseStart)))
	p.flush(t)
	if got := ids(stored(t, srv.ClientURL(), "PORTSNARE")); !slices.Equal(got, []string{"id-00001-start", "id-00002-start"}) {
		t.Errorf("stored %v", got)
	}
	if st := p.Stats(); st.Published != 3 || st.Duplicates != 1 {
		t.Errorf("stats: %+v", st)
	}
}

// A configured subject prefix and stream name are used.
func TestPrefixAndStreamName(t *testing.T) {
	srv := testkit.NATSServer(t)
	cfg := testConfig(t, srv.ClientURL(), "")
	cfg.SubjectPrefix, cfg.Stream = "ids.site1", "ALERTS"
	p := startPublisher(t, cfg)
	p.Publish(doc(alert(1, detect.PhaseStart)))
	p.flush(t)
	ms := stored(t, srv.ClientURL(), "ALERTS")
	if len(ms) != 1 || ms[0].Subject() != "ids.site1.alert.sensor-1_example_com.portscan" {
		t.Errorf("stored %v", ms)
	}
}

// With no URL the publisher runs its own server, storing on disk in the
// data directory, and consumers can attach to its address.
func TestEmbeddedServer(t *testing.T) {
	cfg := testConfig(t, "", "")
	cfg.Listen = "127.0.0.1:0"
	p := startPublisher(t, cfg)
	if p.Embedded() == nil {
		t.Fatal("no embedded server")
	}
	for i := range 3 {
		p.Publish(doc(alert(i, detect.PhaseStart)))
	}
	p.flush(t)
	url := p.Embedded().ClientURL()
	if got := ids(stored(t, url, "PORTSNARE")); len(got) != 3 {
		t.Errorf("stored %v", got)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "jetstream")); err != nil {
		t.Errorf("no JetStream store in the data directory: %v", err)
	}
	// Stopping Run stops the server.
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, err := nats.Connect(url); err == nil {
		t.Error("the embedded server still accepts connections after Run returned")
	}
}

// The embedded server's port taken: New says so.
func TestEmbeddedPortInUse(t *testing.T) {
	srv := testkit.NATSServer(t)
	cfg := testConfig(t, "", "")
	cfg.Listen = "127.0.0.1:" + itoa(serverPort(srv))
	_, err := New(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), "nats.listen") {
		t.Fatalf("New on a port in use: %v", err)
	}
}

// Alerts published after Run has returned are counted, not lost silently.
func TestPublishAfterRunIsCounted(t *testing.T) {
	srv := testkit.NATSServer(t)
	p := startPublisher(t, testConfig(t, srv.ClientURL(), ""))
	p.stop(t)
	p.Publish(doc(alert(1, detect.PhaseStart)))
	if st := p.Stats(); st.DroppedClosed != 1 || st.Dropped != 1 {
		t.Errorf("stats: %+v", st)
	}
	if !bytes.Contains([]byte(p.log.String()), []byte("alerts dropped")) {
		t.Errorf("drop not logged:\n%s", p.log)
	}
}

// Close without Run spools what was published, for the next run.
func TestCloseWithoutRun(t *testing.T) {
	cfg := testConfig(t, testkit.DeadNATSURL(t), "")
	p, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.Publish(doc(alert(1, detect.PhaseStart)))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Spooled != 1 || st.Dropped != 0 {
		t.Errorf("stats: %+v", st)
	}
	if err := p.Run(t.Context()); err == nil {
		t.Error("Run after Close succeeded")
	}
	p2, err := New(cfg, nil) // the spool is free again, with the alert
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	if st := p2.Stats(); st.Spooled != 1 {
		t.Errorf("reloaded: %+v", st)
	}
}
