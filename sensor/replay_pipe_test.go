package sensor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor/internal/gen"
)

// TestPipelinedReplayMatchesSerial: the pipeline hands the engine the calls
// a single goroutine makes, ticks in their place among the packets, so the
// alerts are the same bytes and the decoder's counts the same numbers. The
// captures hold many scanners at once, fragments (nmap -f in the recorded
// cases) and files read one after another through one engine.
func TestPipelinedReplayMatchesSerial(t *testing.T) {
	generated := filepath.Join(t.TempDir(), "mixed.pcap")
	if _, err := gen.WriteFile(generated, gen.Config{Seed: 11, Packets: 120_000, Spoofed: 20_000}); err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob("../testdata/*/input.pcap")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no recorded cases (%v)", err)
	}
	synthetic, err := filepath.Glob("../testdata/corpus/synthetic/*.pcap.gz")
	if err != nil || len(synthetic) == 0 {
		t.Fatalf("no synthetic corpus (%v)", err)
	}
	for name, files := range map[string][]string{
		"generated":        {generated},
		"recorded-cases":   cases,
		"synthetic-corpus": synthetic,
	} {
		t.Run(name, func(t *testing.T) {
			one, oneStats := alertBytes(t, files, serial)
			two, twoStats := alertBytes(t, files, pipelined)
			if n := bytes.Count(one, []byte("\n")); n < 3 {
				t.Fatalf("only %d alerts; the test needs several scanners", n)
			}
			if !bytes.Equal(one, two) {
				t.Fatalf("pipelined alerts differ from serial ones:\n%s\nvs\n%s", firstDiff(one, two), firstDiff(two, one))
			}
			if oneStats.Decode != twoStats.Decode || oneStats.Packets != twoStats.Packets || oneStats.Sources != twoStats.Sources {
				t.Errorf("stats differ: serial %+v %d %d, pipelined %+v %d %d", oneStats.Decode, oneStats.Packets,
					oneStats.Sources, twoStats.Decode, twoStats.Packets, twoStats.Sources)
			}
			for i := range oneStats.Files {
				if oneStats.Files[i].Decode != twoStats.Files[i].Decode {
					t.Errorf("%s: decode stats differ: %+v vs %+v", files[i], oneStats.Files[i].Decode, twoStats.Files[i].Decode)
				}
			}
		})
	}
}

// TestPipelinedReplayFlushesOnCancel: a replay cancelled mid-file still ends
// the open episodes, after the events already decoded reach the engine.
func TestPipelinedReplayFlushesOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mixed.pcap")
	if _, err := gen.WriteFile(path, gen.Config{Seed: 3, Packets: 200_000}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started, flushed int
	st, err := Replay(ctx, ReplayOptions{Files: []string{path}, Engine: detect.DefaultConfig(),
		Alerts: func(a *detect.Alert) {
			switch {
			case a.Portsnare.Phase == detect.PhaseStart:
				started++
				cancel()
			case a.Portsnare.Phase == detect.PhaseEnd && a.Portsnare.Scan.EndReason == detect.EndFlush:
				flushed++
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if started == 0 || flushed == 0 {
		t.Fatalf("%d episodes started, %d ended by the flush: want both", started, flushed)
	}
	if st.Packets == 0 || st.Packets >= 200_000 {
		t.Errorf("replayed %d packets of 200,000: want it stopped part way", st.Packets)
	}
}

func alertBytes(t *testing.T, files []string, mode replayMode) ([]byte, ReplayStats) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	cfg := detect.DefaultConfig()
	cfg.Sensor = "pipeline"
	st, err := replay(context.Background(), ReplayOptions{Files: files, Engine: cfg,
		Alerts: func(a *detect.Alert) {
			if err := enc.Encode(a); err != nil {
				t.Error(err)
			}
		}}, mode)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

// firstDiff returns the line of a where it first differs from b.
func firstDiff(a, b []byte) []byte {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range al {
		if i >= len(bl) || !bytes.Equal(al[i], bl[i]) {
			return al[i]
		}
	}
	return nil
}
