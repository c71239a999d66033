package publish

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish/spool"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// During an outage longer than the spool holds, the oldest start and
// update alerts are dropped, every episode summary (phase end) is kept,
// the newest alerts are kept, and the drops are counted and logged.
func TestSpoolFull(t *testing.T) {
	port := int(testkit.FreePort(t, "tcp", "127.0.0.1"))
	cfg := testConfig(t, testkit.NATSURL(port), "")
	cfg.SpoolMaxBytes = spool.MinMaxBytes // room for about 60 alerts
	p := startPublisher(t, cfg)
	const total = 600
	var ends []string
	for i := range total {
		phase := detect.PhaseStart
		if i%20 == 0 {
			phase = detect.PhaseEnd
			ends = append(ends, fmt.Sprintf("id-%05d-end", i))
		}
		p.Publish(doc(alert(i, phase)))
		if i%50 == 0 {
			p.waitSpooled(t, 0) // let the writer keep up: this test is about the spool, not the queue
		}
	}
	p.waitSpooled(t, 0)
	st := p.Stats()
	if st.DroppedSpool == 0 || st.Spooled+int(st.DroppedSpool) != total || st.DroppedQueue != 0 {
		t.Fatalf("spooled %d + dropped %d != %d raised: %+v", st.Spooled, st.DroppedSpool, total, st)
	}
	if st.SpoolBytes > int64(cfg.SpoolMaxBytes) {
		t.Errorf("spool holds %d bytes, limit %d", st.SpoolBytes, cfg.SpoolMaxBytes)
	}
	if log := p.log.String(); !strings.Contains(log, "alerts dropped") || !strings.Contains(log, "spool full") {
		t.Errorf("drops not logged:\n%s", log)
	}

	srv := testkit.NATSServer(t, testkit.NATSPort(port))
	p.flush(t)
	got := ids(stored(t, srv.ClientURL(), "PORTSNARE"))
	if len(got) != st.Spooled {
		t.Errorf("%d published, %d were spooled", len(got), st.Spooled)
	}
	have := map[string]bool{}
	for _, id := range got {
		have[id] = true
	}
	for _, id := range ends {
		if !have[id] {
			t.Errorf("episode summary %s was dropped", id)
		}
	}
	if newest := fmt.Sprintf("id-%05d-start", total-1); !have[newest] {
		t.Errorf("the newest alert %s was dropped", newest)
	}
	if oldest := "id-00001-start"; have[oldest] {
		t.Errorf("the oldest start alert %s was kept over newer ones", oldest)
	}
}
