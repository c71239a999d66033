package publish

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestToken(t *testing.T) {
	for in, want := range map[string]string{
		"sensor-1":              "sensor-1",
		"sensor-1.example.com":  "sensor-1_example_com",
		"a b*c>d":               "a_b_c_d",
		"":                      "_",
		"décoy-portscan":        "décoy-portscan",
		"tab\there\x00\x7fdone": "tab_here__done",
	} {
		if got := Token(in); got != want {
			t.Errorf("Token(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubjectMatches(t *testing.T) {
	for _, c := range []struct {
		filter, subj string
		want         bool
	}{
		{"portsnare.alert.>", "portsnare.alert.>", true},
		{"portsnare.>", "portsnare.alert.>", true},
		{">", "portsnare.alert.>", true},
		{"portsnare.*.>", "portsnare.alert.>", true},
		{"portsnare.alert.*", "portsnare.alert.>", false},
		{"portsnare.alert.*.*", "portsnare.alert.>", false},
		{"other.alert.>", "portsnare.alert.>", false},
		{"portsnare.alert", "portsnare.alert.>", false},
	} {
		if got := subjectMatches(c.filter, c.subj); got != c.want {
			t.Errorf("subjectMatches(%q, %q) = %v", c.filter, c.subj, got)
		}
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	a := alert(7, "end")
	b, err := encodeDoc(doc(a))
	if err != nil {
		t.Fatal(err)
	}
	e, err := decodeEnvelope(b)
	if err != nil {
		t.Fatal(err)
	}
	if e.subject != "alert.sensor-1_example_com.portscan" || e.id != a.Event.ID || !strings.HasPrefix(string(e.data), `{"@timestamp"`) || strings.HasSuffix(string(e.data), "\n") {
		t.Errorf("%+v", e)
	}
	for _, bad := range [][]byte{nil, {2}, {1, 5, 0, 'a'}, {1, 1, 0, 'a', 0, 0}} {
		if _, err := decodeEnvelope(bad); err == nil {
			t.Errorf("decodeEnvelope(%q) accepted", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	c := Config{
		URLs:            []string{"nats://ok:4222", "http://x", "nats://:4222"},
		SubjectPrefix:   "a..b",
		Stream:          "A.B",
		MaxAge:          time.Hour,
		DuplicateWindow: 2 * time.Hour,
		MaxBytes:        -1,
		Replicas:        7,
		SpoolMaxBytes:   100,
		Listen:          "4222",
		TLSCert:         "/nonexistent/cert.pem",
		Token:           "t",
		User:            "u",
		PublishTimeout:  -time.Second,
	}
	c.SetDefaults()
	err := c.Validate()
	if err == nil {
		t.Fatal("valid")
	}
	msg := err.Error()
	for _, want := range []string{
		`nats.urls item 1: "http://x": scheme must be`,
		`nats.urls item 2: "nats://:4222" has no host`,
		"nats.subject_prefix must be subject tokens",
		"nats.stream must be a name",
		"nats.duplicate_window (2h0m0s) must not exceed nats.max_age",
		"nats.max_bytes must be positive, got -1",
		"nats.replicas must be between 1 and 5, got 7",
		"nats.spool_max_bytes must be between 65536 and 1099511627776, got 100",
		"nats.listen must be host:port",
		"nats.tls_cert and nats.tls_key go together",
		"nats.user cannot be used with nats.token",
		"nats.user needs nats.password",
		"nats.tls_cert cannot read /nonexistent/cert.pem",
		"nats.publish_timeout must be a positive duration",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	for line := range strings.SplitSeq(msg, "\n") {
		if !strings.HasPrefix(line, "nats.") {
			t.Errorf("message does not start with its key: %q", line)
		}
	}

	var d Config
	d.SetDefaults()
	if err := d.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
	e := Config{CredsFile: "/x.creds"}
	e.SetDefaults()
	if err := e.Validate(); err == nil || !strings.Contains(err.Error(), "nats.creds_file is for an external server") {
		t.Errorf("creds with the embedded server: %v", err)
	}
}

func TestReadURL(t *testing.T) {
	for listen, want := range map[string]string{
		"127.0.0.1:4222": "nats://127.0.0.1:4222",
		"0.0.0.0:5222":   "nats://127.0.0.1:5222",
		"[::]:4222":      "nats://[::1]:4222",
	} {
		got, err := ReadURL(Config{Listen: listen})
		if err != nil || got != want {
			t.Errorf("ReadURL(listen %s) = %q, %v; want %q", listen, got, err, want)
		}
	}
	if got, _ := ReadURL(Config{URLs: []string{"nats://a:1", "nats://b:2"}}); got != "nats://a:1,nats://b:2" {
		t.Errorf("got %q", got)
	}
	if _, err := ReadURL(Config{Listen: "127.0.0.1:0"}); err == nil {
		t.Error("port 0 accepted")
	}
}

func TestRedact(t *testing.T) {
	if got := Redact("nats://u:secret@a:4222,nats://b:4222"); got != "nats://***@a:4222,nats://b:4222" {
		t.Errorf("got %q", got)
	}
}

// FuzzDecodeEnvelope: spooled bytes that pass the spool's checksum but are
// not a valid envelope (a format from another version) are refused, never
// a panic.
func FuzzDecodeEnvelope(f *testing.F) {
	good, _ := encodeDoc(doc(alert(1, "start")))
	f.Add(good)
	f.Add([]byte{1, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEnvelope(b)
		if err == nil && (len(e.data) == 0 || len(e.subject)+len(e.id)+len(e.data)+5 != len(b)) {
			t.Fatalf("accepted %q as %+v", b, e)
		}
	})
}

func TestChownDirs(t *testing.T) {
	c := Config{SpoolDir: t.TempDir() + "/a/spool", DataDir: t.TempDir() + "/b/nats"}
	if err := c.ChownDirs(os.Getuid(), os.Getgid()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{c.SpoolDir, c.DataDir} {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			t.Errorf("%s: %v", d, err)
		}
	}
}

// TestSpoolMaxBytesBounded: a unit slip in nats.spool_max_bytes is caught.
func TestSpoolMaxBytesBounded(t *testing.T) {
	c := DefaultConfig()
	c.SetDefaults()
	c.SpoolMaxBytes = 1 << 50
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "nats.spool_max_bytes must be between 65536 and 1099511627776, got 1125899906842624") {
		t.Fatalf("Validate() = %v", err)
	}
}
