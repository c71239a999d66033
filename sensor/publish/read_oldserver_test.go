package publish

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// fillStream creates a stream that holds more than portsnare's subjects
// (as an operator's shared stream may) and stores an alert, a suppressed
// alert and, last, a message of another kind, which readers must skip.
func fillStream(t *testing.T, url string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PORTSNARE", Subjects: []string{"portsnare.>"}}); err != nil {
		t.Fatal(err)
	}
	pub := func(subject string, a *detect.Alert) {
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, subject, data, jetstream.WithMsgID(a.Event.ID)); err != nil {
			t.Fatal(err)
		}
	}
	pub("portsnare.alert.s1.portscan", alert(1, detect.PhaseStart))
	pub("portsnare.suppressed.s1.portscan", alert(2, detect.PhaseStart))
	pub("portsnare.evidence.s1", alert(3, detect.PhaseStart))
}

// checkReads reads the stream with and without suppressed alerts.
func checkReads(t *testing.T, url string) {
	t.Helper()
	reader := Config{URLs: []string{url}}
	if got := readAll(t, reader, ReadOptions{}); !slices.Equal(got, []string{"id-00001-start"}) {
		t.Errorf("alerts: %v", got)
	}
	if got := readAll(t, reader, ReadOptions{Suppressed: true}); !slices.Equal(got, []string{"id-00001-start", "id-00002-start"}) {
		t.Errorf("with suppressed: %v", got)
	}
}

// TestReadSuppressedBefore210: servers before 2.10 refuse a consumer with
// several filter subjects, which --suppressed needs; Read then reads the
// stream unfiltered and picks the alerts itself. The embedded server is
// new, so the older server's version is forced here; the next test runs a
// real one where it is installed.
func TestReadSuppressedBefore210(t *testing.T) {
	old := serverVersion
	serverVersion = func(*nats.Conn) string { return "2.9.10" }
	t.Cleanup(func() { serverVersion = old })
	srv := testkit.NATSServer(t)
	fillStream(t, srv.ClientURL())
	checkReads(t, srv.ClientURL())
}

// TestReadSuppressedOnNATS29 runs Read against the nats-server binary
// installed on the machine when it is older than 2.10 (Debian 12 ships
// 2.9.10), or one named by PORTSNARE_OLD_NATS_SERVER.
func TestReadSuppressedOnNATS29(t *testing.T) {
	bin := os.Getenv("PORTSNARE_OLD_NATS_SERVER")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("nats-server"); err != nil {
			// CI installs Debian 12's nats-server (2.9.10).
			testkit.Missing(t, "no nats-server binary is installed (Debian: apt-get install nats-server; or set PORTSNARE_OLD_NATS_SERVER to one before 2.10)")
		}
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	version := strings.TrimPrefix(strings.TrimSpace(string(out)), "nats-server: v")
	if multiFilterServer(version) {
		testkit.Missing(t, "%s is %s, not older than 2.10: set PORTSNARE_OLD_NATS_SERVER to a 2.9 server", bin, version)
	}
	port := int(testkit.FreePort(t, "tcp", "127.0.0.1"))
	cmd := exec.Command(bin, "-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	url := testkit.NATSURL(port)
	var connErr error
	if !testkit.Until(10*time.Second, nil, func() bool {
		nc, err := nats.Connect(url)
		if err == nil {
			nc.Close()
		}
		connErr = err
		return err == nil
	}) {
		t.Fatalf("nats-server %s did not start: %v", version, connErr)
	}
	fillStream(t, url)
	checkReads(t, url)

	// A server that claims a newer version is caught by its refusal.
	saved := serverVersion
	serverVersion = func(*nats.Conn) string { return "2.10.0" }
	t.Cleanup(func() { serverVersion = saved })
	checkReads(t, url)
}

func TestMultiFilterServer(t *testing.T) {
	for v, want := range map[string]bool{
		"2.9.10": false, "2.9.25": false, "2.2.0": false, "1.4.1": false,
		"2.10.0": true, "2.10.22": true, "2.15.2": true, "3.0.0": true, "v2.11.1": true,
		"": true, "dev": true,
	} {
		if got := multiFilterServer(v); got != want {
			t.Errorf("multiFilterServer(%q) = %v, want %v", v, got, want)
		}
	}
}
