package publish

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// TestAuditSubject: a coverage report goes to audit.<sensor>.<rule>, the
// missing alert to the alert subjects; a stream made before the reports
// existed is given their subject, and Read with Audit returns the reports
// alone.
func TestAuditSubject(t *testing.T) {
	srv := testkit.NATSServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	js := jsFor(t, srv.ClientURL())
	old := []string{"portsnare.alert.>", "portsnare.suppressed.>"}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PORTSNARE", Subjects: old, Duplicates: time.Hour}); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, srv.ClientURL(), "")
	p := startPublisher(t, cfg)
	report := alert(1, detect.PhaseEnd)
	report.Event.Kind, report.Event.Action = "event", detect.ActionAuthorizedScanReport
	report.Portsnare.Audit = &detect.AuditData{Rule: "pci.weekly", Result: detect.AuditRan}
	missing := alert(2, detect.PhaseEnd)
	missing.Event.Action = detect.ActionAuthorizedScanMissing
	missing.Portsnare.Audit = &detect.AuditData{Rule: "pci.weekly", Result: detect.AuditMissed}
	p.Publish(doc(report))
	p.Publish(doc(missing))
	p.Publish(doc(alert(3, detect.PhaseStart)))
	p.flush(t)

	st, err := js.Stream(ctx, "PORTSNARE")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().Config.Subjects; !slices.Equal(got, append(old, "portsnare.audit.>")) {
		t.Errorf("stream subjects %v, want the audit subject added", got)
	}
	var subjects []string
	for _, m := range stored(t, srv.ClientURL(), "PORTSNARE") {
		subjects = append(subjects, m.Subject())
	}
	want := []string{"portsnare.audit.sensor-1_example_com.pci_weekly",
		"portsnare.alert.sensor-1_example_com.authorized-scan-missing", "portsnare.alert.sensor-1_example_com.portscan"}
	if !slices.Equal(subjects, want) {
		t.Errorf("subjects %v, want %v", subjects, want)
	}
	var read []string
	if err := Read(ctx, cfg, ReadOptions{Audit: true}, func(m Message) error {
		read = append(read, m.Subject)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(read, want[:1]) {
		t.Errorf("Read with Audit: %v, want the report alone", read)
	}
}
