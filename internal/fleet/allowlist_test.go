package fleet

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// allowCorrelator is a campaign correlator with the allowlist rules, as
// portsnare correlate runs one with the allowlist section.
func allowCorrelator(t *testing.T, rules ...allowlist.Rule) (*Correlator, *[]*detect.Alert) {
	t.Helper()
	list, err := allowlist.New(allowlist.Config{Rules: rules}, allowlist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var alerts []*detect.Alert
	cfg := DefaultCorrelateConfig()
	cfg.Name = "corr-1"
	c, err := NewCorrelator(cfg, detect.DefaultConfig(), list, func(a *detect.Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	return c, &alerts
}

// inventory authorizes 203.0.113.0/28 to probe telnet on 198.19.0.0/24.
var inventory = allowlist.Rule{Name: "inventory", Sources: []string{"203.0.113.0/28"},
	Targets: []string{"198.19.0.0/24"}, Ports: []string{"tcp/23"}}

// campaignOf feeds c n zmap sources sweeping telnet on four hosts, from
// 203.0.113.first on.
func campaignOf(c *Correlator, first, n int) (srcs []string) {
	for i := range n {
		src := netip.AddrFrom4([4]byte{203, 0, 113, byte(first + i)})
		srcs = append(srcs, src.String())
		c.Add(sweepBatch("edge-a", src, "zmap", t0.Add(time.Duration(i)*time.Second), 4, 23))
	}
	return srcs
}

// checkSuppressedRouting checks that a is published as an allowlisted
// scanner's alert is: to the suppressed subject, as not an alert in OCSF.
func checkSuppressedRouting(t *testing.T, a *detect.Alert, suppressed bool) {
	t.Helper()
	doc, err := render.Make(a, render.ECS)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Suppressed != suppressed {
		t.Errorf("%s %s: document suppressed %v, want %v (the subject follows it)", a.Event.Action, a.Portsnare.Phase, doc.Suppressed, suppressed)
	}
	ocsf, err := render.Render(a, render.OCSF)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Contains(string(ocsf), `"status":"Suppressed"`); got != suppressed {
		t.Errorf("%s %s: OCSF status Suppressed %v, want %v", a.Event.Action, a.Portsnare.Phase, got, suppressed)
	}
}

// A campaign all of whose sources a rule authorizes is published, start
// and end, as suppressed, naming the rule and the sources: never dropped.
func TestCampaignOfAuthorizedSourcesIsSuppressed(t *testing.T) {
	c, alerts := allowCorrelator(t, inventory)
	srcs := campaignOf(c, 1, 5)
	c.Flush(t0.Add(time.Hour))
	starts, ends := campaignAlerts(t, *alerts)
	if len(starts) != 1 || len(ends) != 1 {
		t.Fatalf("%d campaign starts and %d ends, want one each: suppressed is not dropped", len(starts), len(ends))
	}
	for _, a := range []*detect.Alert{starts[0], ends[0]} {
		al := a.Portsnare.Allowlist
		if !a.Portsnare.Suppressed || al == nil {
			t.Fatalf("%s: suppressed %v, allowlist %+v; want suppressed by inventory", a.Portsnare.Phase, a.Portsnare.Suppressed, al)
		}
		if al.Rule != "inventory" || !slices.Equal(al.Rules, []string{"inventory"}) || al.Exceeded ||
			!slices.Equal(al.Sources, srcs) || al.SourcesTotal != 5 {
			t.Errorf("%s: allowlist %+v, want rule inventory over %v", a.Portsnare.Phase, al, srcs)
		}
		checkSuppressedRouting(t, a, true)
	}
}

// A campaign mixing authorized sources and others is an alert, not
// suppressed, that names the authorized ones and their rule.
func TestCampaignMixingAuthorizedSourcesIsAnAlert(t *testing.T) {
	c, alerts := allowCorrelator(t, inventory)
	authorized := campaignOf(c, 13, 3) // 203.0.113.13-15: inside the rule's /28
	others := campaignOf(c, 16, 3)     // 203.0.113.16-18: outside
	c.Flush(t0.Add(time.Hour))
	a := campaignEnd(t, *alerts)
	if a.Portsnare.Suppressed {
		t.Error("a campaign of authorized and other sources is suppressed")
	}
	al := a.Portsnare.Allowlist
	if al == nil || al.Rule != "inventory" || al.Exceeded || !slices.Equal(al.Sources, authorized) || al.SourcesTotal != 3 {
		t.Fatalf("allowlist %+v, want inventory authorizing %v", al, authorized)
	}
	if sc := a.Portsnare.Scan; sc.SourcesTotal != 6 || !slices.Equal(sc.Sources, append(slices.Clone(authorized), others...)) {
		t.Errorf("scan names %v (%d), want all six", sc.Sources, sc.SourcesTotal)
	}
	if !strings.Contains(a.Message, "3 of them authorized (allowlist inventory)") {
		t.Errorf("message %q does not say which part is authorized", a.Message)
	}
	checkSuppressedRouting(t, a, false)
}

// A covered source that leaves its rule's scope is no longer authorized,
// as on a sensor: the campaign is an alert, exceeded.
func TestCampaignWithAnExceededSourceIsAnAlert(t *testing.T) {
	c, alerts := allowCorrelator(t, inventory)
	campaignOf(c, 1, 4)
	out := sweepBatch("edge-b", netip.MustParseAddr("203.0.113.5"), "zmap", t0.Add(5*time.Second), 4, 23)
	for i := range out.Records {
		out.Records[i].Dst = netip.AddrFrom4([4]byte{198, 19, 7, byte(1 + i)}) // outside the rule's targets
	}
	c.Add(out)
	c.Flush(t0.Add(time.Hour))
	a := campaignEnd(t, *alerts)
	al := a.Portsnare.Allowlist
	if a.Portsnare.Suppressed || al == nil || !al.Exceeded || al.SourcesTotal != 4 || slices.Contains(al.Sources, "203.0.113.5") {
		t.Errorf("suppressed %v, allowlist %+v; want an alert, exceeded, four authorized", a.Portsnare.Suppressed, al)
	}
	checkSuppressedRouting(t, a, false)
}

// Sources beyond those a campaign keeps count in its verdict too: all
// authorized is suppressed; one that is not, or that leaves its rule's
// scope after it was counted, makes it an alert.
func TestCampaignVerdictCountsSourcesBeyondThoseKept(t *testing.T) {
	wide := allowlist.Rule{Name: "cgnat-scanners", Sources: []string{"100.64.0.0/10"}, Targets: []string{"198.19.0.0/16"}}
	for _, tc := range []struct {
		name        string
		stray       bool // the last source is outside the rule
		exceedLater bool // the last source's second record is outside the rule's targets
		suppressed  bool
	}{{"all authorized", false, false, true}, {"one not", true, false, false}, {"one exceeds later", false, true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c, alerts := allowCorrelator(t, wide)
			const n = maxCampaignMembers + 10
			for i := range n {
				src := netip.AddrFrom4([4]byte{100, 64, byte(i >> 8), byte(i)})
				if tc.stray && i == n-1 {
					src = netip.MustParseAddr("192.0.2.1")
				}
				b := sweepBatch("edge-a", src, "masscan", t0.Add(time.Duration(i)*100*time.Millisecond), 2, 3389)
				if tc.exceedLater && i == n-1 {
					b.Records[1].Dst = netip.MustParseAddr("198.18.0.1")
				}
				c.Add(b)
			}
			c.Flush(t0.Add(time.Hour))
			a := campaignEnd(t, *alerts)
			want := n
			if !tc.suppressed {
				want = n - 1
			}
			if al := a.Portsnare.Allowlist; a.Portsnare.Suppressed != tc.suppressed || al == nil || al.SourcesTotal != want ||
				len(al.Sources) != maxCampaignNamed || al.Exceeded != tc.exceedLater {
				t.Errorf("suppressed %v, allowlist %+v; want suppressed %v, %d authorized", a.Portsnare.Suppressed, al, tc.suppressed, want)
			}
		})
	}
}

// Without a rule covering any source, a campaign says nothing of the
// allowlist.
func TestCampaignWithoutCoveredSources(t *testing.T) {
	c, alerts := allowCorrelator(t, inventory)
	campaignOf(c, 100, 5)
	c.Flush(t0.Add(time.Hour))
	_, ends := campaignAlerts(t, *alerts)
	if len(ends) != 1 || ends[0].Portsnare.Suppressed || ends[0].Portsnare.Allowlist != nil {
		t.Fatalf("%d ends; want one, not suppressed, no allowlist", len(ends))
	}
}
