package sensor

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// Warming a batch only loads memory: the engine fed warm raises exactly
// the alerts, byte for byte, that it raises fed cold.
func TestFeedWarmChangesNothing(t *testing.T) {
	run := func(warm bool) []string {
		var out []string
		eng, err := detect.New(detect.DefaultConfig(), func(a *detect.Alert) {
			doc, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(doc))
		})
		if err != nil {
			t.Fatal(err)
		}
		batches := masscanBatches(64 * batchEvents)
		for i := range batches {
			batches[i].feedWarm(eng, warm)
		}
		eng.Flush(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		return out
	}
	cold, warm := run(false), run(true)
	if len(cold) == 0 {
		t.Fatal("the scan raised no alert: the comparison shows nothing")
	}
	if !slices.Equal(cold, warm) {
		t.Errorf("fed warm, the engine raised %d alerts; fed cold, %d; or they differ", len(warm), len(cold))
	}
}
