package sensor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor"
	"github.com/portsnare/portsnare/sensor/internal/gen"
)

// TestReplayIsByteIdentical replays captures with several concurrent
// scanners twice each and compares the alert bytes: housekeeping (Tick,
// Flush) visits sources in a fixed order, so output order never depends on
// map iteration.
func TestReplayIsByteIdentical(t *testing.T) {
	generated := filepath.Join(t.TempDir(), "mixed.pcap")
	if _, err := gen.WriteFile(generated, gen.Config{Seed: 7, Packets: 40_000}); err != nil {
		t.Fatal(err)
	}
	for _, files := range [][]string{
		{generated},
		{"../testdata/corpus/synthetic/distributed-portscan.pcap.gz"},
		// Every recorded case through one engine: a dozen scanners whose
		// episodes are open together at the end.
		globCases(t),
	} {
		first := replayBytes(t, files)
		if bytes.Count(first, []byte("\n")) < 2 {
			t.Fatalf("%v: only %d alerts; the test needs several scanners", files, bytes.Count(first, []byte("\n")))
		}
		for i := 0; i < 5; i++ {
			if again := replayBytes(t, files); !bytes.Equal(again, first) {
				t.Fatalf("%v: replay %d differs from the first", files, i+2)
			}
		}
	}
}

func globCases(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../testdata/*/input.pcap")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded cases (%v)", err)
	}
	return files
}

func replayBytes(t *testing.T, files []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	cfg := detect.DefaultConfig()
	cfg.Sensor = "determinism"
	if _, err := sensor.Replay(context.Background(), sensor.ReplayOptions{
		Files: files, Engine: cfg,
		Alerts: func(a *detect.Alert) {
			if err := enc.Encode(a); err != nil {
				t.Error(err)
			}
		},
	}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
