package fleet

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// sweepBatch is a sensor's evidence of src sweeping port on n hosts,
// each refused, tool naming the scanner its probes point to.
func sweepBatch(sensor string, src netip.Addr, tool string, at time.Time, n int, ports ...uint16) *Batch {
	b := &Batch{V: BatchVersion, Sensor: sensor}
	for i := range n {
		for _, port := range ports {
			dst := netip.AddrFrom4([4]byte{198, 19, byte(i / 200), byte(1 + i%200)})
			b.Records = append(b.Records, Record{T: at.Add(time.Duration(len(b.Records)) * 10 * time.Millisecond).UnixNano(),
				Src: src, Dst: dst, Proto: detect.ProtoTCP, Port: port, Tech: "syn", Kind: "refused", Tool: tool})
		}
	}
	return b
}

func campaignCorrelator(t *testing.T) (*Correlator, *[]*detect.Alert) {
	t.Helper()
	var alerts []*detect.Alert
	cfg := DefaultCorrelateConfig()
	cfg.Name = "corr-1"
	c, err := NewCorrelator(cfg, detect.DefaultConfig(), nil, func(a *detect.Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	return c, &alerts
}

func campaignAlerts(t *testing.T, alerts []*detect.Alert) (starts, ends []*detect.Alert) {
	t.Helper()
	starts, ends, _ = phasesOf(t, alerts, ActionCampaign)
	return starts, ends
}

// campaignEnd returns the end of the one campaign among alerts, failing
// the test unless there is exactly one.
func campaignEnd(t *testing.T, alerts []*detect.Alert) *detect.Alert {
	t.Helper()
	_, ends := campaignAlerts(t, alerts)
	if len(ends) != 1 {
		t.Fatalf("%d campaign ends, want one", len(ends))
	}
	return ends[0]
}

// Five zmap-like sources, each sweeping port 23 on a few hosts behind
// two sensors, are one campaign naming all five; a sixth source with
// another tool, and one on other ports, are not part of it.
func TestCampaignOfFiveSources(t *testing.T) {
	c, alerts := campaignCorrelator(t)
	var want []string
	for i := range 5 {
		src := netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + i)})
		want = append(want, src.String())
		sensor := []string{"edge-a", "edge-b"}[i%2]
		c.Add(sweepBatch(sensor, src, "zmap", t0.Add(time.Duration(i)*time.Minute), 4, 23))
	}
	c.Add(sweepBatch("edge-a", netip.MustParseAddr("203.0.113.50"), "masscan", t0.Add(2*time.Minute), 4, 23))
	c.Add(sweepBatch("edge-a", netip.MustParseAddr("203.0.113.51"), "zmap", t0.Add(2*time.Minute), 4, 80))
	c.Flush(t0.Add(time.Hour))

	starts, ends := campaignAlerts(t, *alerts)
	if len(starts) != 1 || len(ends) != 1 {
		t.Fatalf("%d campaign starts and %d ends, want one each", len(starts), len(ends))
	}
	end := ends[0]
	sc := end.Portsnare.Scan
	if !slices.Equal(sc.Sources, want) {
		t.Errorf("campaign names %v, want %v", sc.Sources, want)
	}
	if sc.Tool != "zmap" || !slices.Equal(sc.PortsSample, []uint16{23}) || sc.Probes != 20 || sc.Hosts != 4 {
		t.Errorf("campaign scan %+v", sc)
	}
	if fd := end.Portsnare.Fleet; fd == nil || !slices.Equal(fd.Sensors, []string{"edge-a", "edge-b"}) {
		t.Errorf("campaign fleet data %+v", end.Portsnare.Fleet)
	}
	if end.Observer.Type != "fleet" || end.Portsnare.Episode != starts[0].Portsnare.Episode || end.Event.ID == starts[0].Event.ID {
		t.Errorf("observer %+v, episodes %s %s, ids %s %s", end.Observer, starts[0].Portsnare.Episode, end.Portsnare.Episode,
			starts[0].Event.ID, end.Event.ID)
	}
	if st := c.Stats(); st.Campaigns != 2 {
		t.Errorf("%d campaign alerts counted, want 2", st.Campaigns)
	}
}

// Sources under the threshold, sources with no tool named, and sources
// too far apart in packet time are no campaign.
func TestCampaignNeedsEnoughSourcesInWindow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		tool  string
		every time.Duration
	}{
		{"four sources", 4, "zmap", time.Minute},
		{"no tool", 8, "", time.Minute},
		{"spread out", 8, "zmap", 11 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, alerts := campaignCorrelator(t)
			for i := range tc.n {
				src := netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + i)})
				c.Add(sweepBatch("edge-a", src, tc.tool, t0.Add(time.Duration(i)*tc.every), 4, 23))
				c.Tick(t0.Add(time.Duration(i) * tc.every))
			}
			c.Flush(t0.Add(24 * time.Hour))
			if starts, ends := campaignAlerts(t, *alerts); len(starts)+len(ends) != 0 {
				t.Errorf("campaign raised: %s", append(starts, ends...)[0].Message)
			}
		})
	}
}

// A campaign no member has fed for a window ends (packet time), and a
// later wave with the same pattern is a campaign of its own.
func TestCampaignEndsWhenIdle(t *testing.T) {
	c, alerts := campaignCorrelator(t)
	wave := func(at time.Time, base byte) {
		for i := range 5 {
			src := netip.AddrFrom4([4]byte{203, 0, 113, base + byte(i)})
			c.Add(sweepBatch("edge-a", src, "masscan", at.Add(time.Duration(i)*time.Second), 3, 445))
		}
	}
	wave(t0, 10)
	c.Tick(t0.Add(30 * time.Minute))
	if _, ends := campaignAlerts(t, *alerts); len(ends) != 1 || ends[0].Portsnare.Scan.EndReason != detect.EndIdle {
		t.Fatalf("%d campaign ends after an idle window, want one, idle", len(ends))
	}
	wave(t0.Add(2*time.Hour), 100)
	c.Flush(t0.Add(3 * time.Hour))
	starts, ends := campaignAlerts(t, *alerts)
	if len(starts) != 2 || len(ends) != 2 || starts[0].Portsnare.Episode == starts[1].Portsnare.Episode {
		t.Fatalf("%d starts and %d ends, want two distinct campaigns", len(starts), len(ends))
	}
	if got := ends[1].Portsnare.Scan.Sources[0]; got != "203.0.113.100" {
		t.Errorf("second campaign names %s first, want 203.0.113.100", got)
	}
}

// More sources than an alert names: the first by address are named, all
// are counted.
func TestCampaignCapsNames(t *testing.T) {
	c, alerts := campaignCorrelator(t)
	for i := range 40 {
		src := netip.AddrFrom4([4]byte{203, 0, 113, byte(i)})
		c.Add(sweepBatch("edge-a", src, "zmap", t0.Add(time.Duration(i)*time.Second), 2, 22, 2222))
	}
	c.Flush(t0.Add(time.Hour))
	end := campaignEnd(t, *alerts)
	sc := end.Portsnare.Scan
	if len(sc.Sources) != maxCampaignNamed || sc.Sources[0] != "203.0.113.0" {
		t.Errorf("%d sources named, first %s; want %d from 203.0.113.0", len(sc.Sources), sc.Sources[0], maxCampaignNamed)
	}
	if want := "zmap campaign: 40 sources probed 22/tcp,2222/tcp on 2 hosts"; !strings.HasPrefix(end.Message, want) {
		t.Errorf("message %q, want it to start %q", end.Message, want)
	}
	// The count is a field of its own, in either format, not only words
	// in the message.
	if sc.SourcesTotal != 40 {
		t.Errorf("portsnare.scan.sources_total %d, want 40", sc.SourcesTotal)
	}
	ocsf, err := render.Render(end, render.OCSF)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Unmapped struct {
			Portsnare struct {
				Scan struct {
					SourcesTotal int `json:"sources_total"`
				} `json:"scan"`
			} `json:"portsnare"`
		} `json:"unmapped"`
	}
	if err := json.Unmarshal(ocsf, &doc); err != nil || doc.Unmapped.Portsnare.Scan.SourcesTotal != 40 {
		t.Errorf("OCSF unmapped.portsnare.scan.sources_total %d (%v), want 40", doc.Unmapped.Portsnare.Scan.SourcesTotal, err)
	}
}

// Beyond the members a campaign keeps by address, sources are counted,
// each once however many records it sends.
func TestCampaignCountsSourcesBeyondThoseKept(t *testing.T) {
	c, alerts := campaignCorrelator(t)
	const n = maxCampaignMembers + 76
	for i := range n {
		src := netip.AddrFrom4([4]byte{100, 64, byte(i >> 8), byte(i)})
		c.Add(sweepBatch("edge-a", src, "masscan", t0.Add(time.Duration(i)*100*time.Millisecond), 3, 3389))
	}
	c.Flush(t0.Add(time.Hour))
	end := campaignEnd(t, *alerts)
	if sc := end.Portsnare.Scan; sc.SourcesTotal != n || len(sc.Sources) != maxCampaignNamed {
		t.Errorf("sources_total %d with %d named, want %d with %d", sc.SourcesTotal, len(sc.Sources), n, maxCampaignNamed)
	}
	if want := fmt.Sprintf("masscan campaign: %d sources", n); !strings.HasPrefix(end.Message, want) {
		t.Errorf("message %q, want it to start %q", end.Message, want)
	}
}

// Accepted contacts, which sensors export beside failures, are counted as
// succeeded in a campaign, not as failed.
func TestCampaignCountsAcceptedContactsAsSucceeded(t *testing.T) {
	c, alerts := campaignCorrelator(t)
	for i := range 5 {
		b := sweepBatch("edge-a", netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + i)}), "zmap", t0.Add(time.Duration(i)*time.Second), 4, 23)
		b.Records[0].Kind = "accepted"
		c.Add(b)
	}
	c.Flush(t0.Add(time.Hour))
	if sc := campaignEnd(t, *alerts).Portsnare.Scan; sc.Probes != 20 || sc.Failed != 15 || sc.Succeeded != 5 {
		t.Errorf("probes %d, failed %d, succeeded %d; want 20, 15, 5", sc.Probes, sc.Failed, sc.Succeeded)
	}
}
