//go:build benchfloor

package sensor

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestFloorDecodesAndDetectsNothing pins what the capture-floor build
// measures: every packet read and decoded, none reaching the engine, and
// the build saying so.
func TestFloorDecodesAndDetectsNothing(t *testing.T) {
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	pkts := scanPackets(t, start, 300)
	path := writeFile(t, t.TempDir(), "scan.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts))
	var logs bytes.Buffer
	st, err := Replay(context.Background(), ReplayOptions{
		Files:  []string{path},
		Engine: testEngine(),
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != 600 || st.Decode.Probes != 300 || st.Decode.Replies != 300 {
		t.Fatalf("stats %+v, want 600 packets decoded: 300 probes, 300 replies", st)
	}
	if st.Engine.Probes != 0 || st.Engine.Replies != 0 || len(st.Alerts) != 0 {
		t.Fatalf("the engine saw %d probes and %d replies and raised %v; the floor build feeds it nothing",
			st.Engine.Probes, st.Engine.Replies, st.Alerts)
	}
	if !strings.Contains(logs.String(), "benchfloor") {
		t.Fatalf("no warning that the build detects nothing:\n%s", logs.String())
	}
}
