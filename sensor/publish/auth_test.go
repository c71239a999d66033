package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

func withToken(tok string) func(*server.Options) {
	return func(o *server.Options) { o.Authorization = tok }
}

// A wrong token is a configuration error: Run returns at once with an
// error that says so and names the keys to check, and so does Read.
func TestWrongToken(t *testing.T) {
	srv := testkit.NATSServer(t, withToken("s3cret"))
	cfg := testConfig(t, srv.ClientURL(), "")
	cfg.Token = "wrong"
	p, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = p.Run(ctx)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, want := range []string{"refused the credentials", "authorization violation", "nats.token"} {
		if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want)) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	err = Read(ctx, cfg, ReadOptions{}, func(Message) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Errorf("Read: %v", err)
	}
}

// The right token, user and password work, for the embedded server too.
func TestCredentials(t *testing.T) {
	srv := testkit.NATSServer(t, withToken("s3cret"))
	cfg := testConfig(t, srv.ClientURL(), "")
	cfg.Token = "s3cret"
	p := startPublisher(t, cfg)
	p.Publish(doc(alert(1, detect.PhaseStart)))
	p.flush(t)

	emb := testConfig(t, "", "")
	emb.Listen, emb.User, emb.Password = "127.0.0.1:0", "sensor", "pw"
	pe := startPublisher(t, emb)
	pe.Publish(doc(alert(1, detect.PhaseStart)))
	pe.flush(t)
	reader := emb
	reader.URLs = []string{pe.Embedded().ClientURL()}
	n := 0
	if err := Read(t.Context(), reader, ReadOptions{}, func(Message) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("Read with user and password: %d alerts, %v", n, err)
	}
	reader.Password = "wrong"
	if err := Read(t.Context(), reader, ReadOptions{}, func(Message) error { return nil }); err == nil {
		t.Error("the embedded server accepted a wrong password")
	}
}

// A server without JetStream, or a stream by that name with other
// subjects, is a configuration error too.
func TestUnusableServer(t *testing.T) {
	noJS := testkit.NATSServer(t, func(o *server.Options) { o.JetStream = false })
	p, _ := New(testConfig(t, noJS.ClientURL(), ""), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Run(ctx); err == nil || !strings.Contains(err.Error(), "JetStream") {
		t.Errorf("no JetStream: %v", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv := testkit.NATSServer(t)
	js := jsFor(t, srv.ClientURL())
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PORTSNARE", Subjects: []string{"other.>"}}); err != nil {
		t.Fatal(err)
	}
	p, _ = New(testConfig(t, srv.ClientURL(), ""), nil)
	if err := p.Run(ctx); err == nil || !strings.Contains(err.Error(), "do not take portsnare.alert.>") {
		t.Errorf("stream with other subjects: %v", err)
	}
}

// An alert the stream refuses (larger than its max_msg_size) is dropped,
// counted and logged, and does not hold up the alerts behind it.
func TestRejectedAlertDoesNotBlock(t *testing.T) {
	srv := testkit.NATSServer(t)
	js := jsFor(t, srv.ClientURL())
	_, err := js.CreateStream(t.Context(), jetstream.StreamConfig{Name: "PORTSNARE", Subjects: Subjects("portsnare"),
		MaxMsgSize: 2000, Duplicates: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	p := startPublisher(t, testConfig(t, srv.ClientURL(), ""))
	big := alert(1, detect.PhaseStart)
	big.Message = strings.Repeat("x", 3000)
	p.Publish(doc(big))
	p.Publish(doc(alert(2, detect.PhaseStart)))
	p.flush(t)
	if got := ids(stored(t, srv.ClientURL(), "PORTSNARE")); len(got) != 1 || got[0] != "id-00002-start" {
		t.Errorf("stored %v", got)
	}
	if st := p.Stats(); st.DroppedRejected != 1 || st.Dropped != 1 {
		t.Errorf("stats: %+v", st)
	}
	if !strings.Contains(p.log.String(), "refused by JetStream") {
		t.Errorf("not logged:\n%s", p.log)
	}
}
