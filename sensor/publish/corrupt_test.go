package publish

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// A spool damaged by a crash — its last record torn, garbage after it — is
// loaded: the damage is counted and logged, and every intact alert is
// published.
func TestDamagedSpool(t *testing.T) {
	port := int(testkit.FreePort(t, "tcp", "127.0.0.1"))
	spoolDir := t.TempDir()
	cfg := testConfig(t, testkit.NATSURL(port), spoolDir)
	p := startPublisher(t, cfg)
	for i := range 5 {
		p.Publish(doc(alert(i, detect.PhaseStart)))
	}
	p.waitSpooled(t, 5)
	p.stop(t)

	segs, _ := filepath.Glob(filepath.Join(spoolDir, "*.seg"))
	slices.Sort(segs)
	var seg string
	for _, s := range segs {
		if fi, _ := os.Stat(s); fi.Size() > 0 {
			seg = s
		}
	}
	fi, _ := os.Stat(seg)
	os.Truncate(seg, fi.Size()-10) // the last alert, torn
	f, _ := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("PS\x00\x01 half a header")
	f.Close()

	p2 := startPublisher(t, cfg)
	st := p2.Stats()
	// The damaged record's alert is lost: it counts as dropped, which is
	// what run's exit status and the replay's report go by.
	if st.CorruptRecords != 1 || st.Spooled != 4 || st.Dropped != 1 {
		t.Fatalf("stats after loading a damaged spool: %+v", st)
	}
	if !contains(p2.log.String(), "damaged spool records skipped") {
		t.Errorf("damage not logged:\n%s", p2.log)
	}
	srv := testkit.NATSServer(t, testkit.NATSPort(port))
	p2.flush(t)
	want := []string{"id-00000-start", "id-00001-start", "id-00002-start", "id-00003-start"}
	if got := ids(stored(t, srv.ClientURL(), "PORTSNARE")); !slices.Equal(got, want) {
		t.Errorf("stored %v", got)
	}
}
