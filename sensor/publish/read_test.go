package publish

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// readAll returns the event ids Read delivers.
func readAll(t *testing.T, cfg Config, opts ReadOptions) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	err := Read(ctx, cfg, opts, func(m Message) error {
		var a detect.Alert
		if err := json.Unmarshal(m.Data, &a); err != nil {
			t.Errorf("payload: %v", err)
		}
		if a.Event.ID != m.MsgID || m.Sequence == 0 || m.Stored.IsZero() {
			t.Errorf("message %+v", m)
		}
		got = append(got, a.Event.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("Read did not return by itself")
	}
	return got
}

func TestRead(t *testing.T) {
	srv := testkit.NATSServer(t)
	cfg := testConfig(t, srv.ClientURL(), "")
	reader := Config{URLs: cfg.URLs}

	// Nothing published yet: no stream, a clear error.
	err := Read(t.Context(), reader, ReadOptions{}, func(Message) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no stream PORTSNARE") {
		t.Errorf("Read before any alert: %v", err)
	}

	p := startPublisher(t, cfg)
	p.Publish(doc(alert(1, detect.PhaseStart)))
	s := alert(2, detect.PhaseStart)
	s.Portsnare.Suppressed = true
	p.Publish(doc(s))
	p.flush(t)
	if got := readAll(t, reader, ReadOptions{}); !slices.Equal(got, []string{"id-00001-start"}) {
		t.Errorf("alerts: %v", got)
	}
	if got := readAll(t, reader, ReadOptions{Suppressed: true}); !slices.Equal(got, []string{"id-00001-start", "id-00002-start"}) {
		t.Errorf("with suppressed: %v", got)
	}

	// The last alert stored is suppressed: reading alerts only still ends.
	p.Publish(doc(alert(3, detect.PhaseStart)))
	s4 := alert(4, detect.PhaseEnd)
	s4.Portsnare.Suppressed = true
	p.Publish(doc(s4))
	p.flush(t)
	if got := readAll(t, reader, ReadOptions{}); !slices.Equal(got, []string{"id-00001-start", "id-00003-start"}) {
		t.Errorf("alerts: %v", got)
	}

	// Since: stored times are the server's clock; alerts stored a moment
	// ago are out of a window that ends before them.
	time.Sleep(300 * time.Millisecond)
	p.Publish(doc(alert(5, detect.PhaseStart)))
	p.flush(t)
	if got := readAll(t, reader, ReadOptions{Since: 200 * time.Millisecond}); !slices.Equal(got, []string{"id-00005-start"}) {
		t.Errorf("since 200ms: %v", got)
	}
	if got := readAll(t, reader, ReadOptions{Since: time.Millisecond}); len(got) != 0 {
		t.Errorf("since 1ms: %v", got)
	}

	// An error from the callback stops Read and is returned.
	stop := errors.New("enough")
	if err := Read(t.Context(), reader, ReadOptions{}, func(Message) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error: %v", err)
	}
}

// Follow delivers what is stored, then new alerts as they come, until ctx
// ends.
func TestReadFollow(t *testing.T) {
	srv := testkit.NATSServer(t)
	cfg := testConfig(t, srv.ClientURL(), "")
	p := startPublisher(t, cfg)
	p.Publish(doc(alert(1, detect.PhaseStart)))
	p.flush(t)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan string, 10)
	done := make(chan error, 1)
	go func() {
		done <- Read(ctx, Config{URLs: cfg.URLs}, ReadOptions{Follow: true}, func(m Message) error {
			got <- m.MsgID
			return nil
		})
	}()
	if id := <-got; id != "id-00001-start" {
		t.Errorf("first: %s", id)
	}
	p.Publish(doc(alert(2, detect.PhaseUpdate)))
	select {
	case id := <-got:
		if id != "id-00002-update" {
			t.Errorf("followed: %s", id)
		}
	case <-ctx.Done():
		t.Fatal("the new alert did not arrive")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Read after cancel: %v", err)
	}
}

// Reading from a server that is not there says so.
func TestReadUnreachable(t *testing.T) {
	err := Read(t.Context(), Config{URLs: []string{testkit.DeadNATSURL(t)}}, ReadOptions{}, func(Message) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("got %v", err)
	}
}
