package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/enrich"
	"github.com/portsnare/portsnare/internal/testkit"
)

// enrichFiles writes a city and an ASN database placing the scanner of
// synScan (198.18.0.10), and a scanner list naming it, into a directory.
func enrichFiles(t *testing.T) (city, asn, list string) {
	t.Helper()
	dir := t.TempDir()
	city, asn, list = filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb"), filepath.Join(dir, "research.txt")
	testkit.MMDB(t, city, "GeoLite2-City", map[string]map[string]any{
		"198.18.0.0/24": {
			"country":  map[string]any{"iso_code": "NL", "names": map[string]any{"en": "Netherlands"}},
			"city":     map[string]any{"names": map[string]any{"en": "Amsterdam"}},
			"location": map[string]any{"latitude": 52.37, "longitude": 4.89, "time_zone": "Europe/Amsterdam"},
		},
	})
	testkit.MMDB(t, asn, "GeoLite2-ASN", map[string]map[string]any{
		"198.18.0.0/15": {"autonomous_system_number": uint32(64501), "autonomous_system_organization": "Benchmark Research"},
	})
	if err := os.WriteFile(list, []byte("198.18.0.10 benchmark-lab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return city, asn, list
}

// TestReplayEnriched: with databases and a list configured, every alert of
// a replayed scan carries the source's place, its AS, the list it is on,
// the direction and the technique of a scan from outside.
func TestReplayEnriched(t *testing.T) {
	city, asn, list := enrichFiles(t)
	cfg := writeFile(t, "enrich.yaml", `
network:
  internal: [198.18.0.2/32]
enrich:
  geoip_city: `+city+`
  geoip_asn: `+asn+`
  scanner_lists: [`+list+`]
`)
	alerts := replayAlerts(t, "-c", cfg)
	for _, a := range alerts {
		what := string(a.Event.Action) + "/" + string(a.Portsnare.Phase)
		want := &detect.Geo{CountryISOCode: "NL", CountryName: "Netherlands", CityName: "Amsterdam",
			Timezone: "Europe/Amsterdam", Location: &detect.GeoPoint{Lat: 52.37, Lon: 4.89}}
		if !reflect.DeepEqual(a.Source.Geo, want) {
			t.Errorf("%s: source.geo %+v", what, a.Source.Geo)
		}
		if a.Source.AS == nil || a.Source.AS.Number != 64501 || a.Source.AS.Organization.Name != "Benchmark Research" {
			t.Errorf("%s: source.as %+v", what, a.Source.AS)
		}
		if !reflect.DeepEqual(a.Portsnare.ScannerList, []string{"benchmark-lab"}) || a.Portsnare.Suppressed {
			t.Errorf("%s: scanner_list %v, suppressed %v", what, a.Portsnare.ScannerList, a.Portsnare.Suppressed)
		}
		if a.Network.Direction != "inbound" {
			t.Errorf("%s: network.direction %q", what, a.Network.Direction)
		}
		th := a.Threat
		if th.Technique.ID[0] != "T1595" || th.Technique.Subtechnique == nil || th.Technique.Subtechnique.ID[0] != "T1595.002" ||
			th.Tactic == nil || th.Tactic.ID[0] != "TA0043" {
			t.Errorf("%s: threat %+v", what, th)
		}
	}
}

// Without enrichment files, the defaults still judge the direction: the
// benchmark range of the test capture is nobody's internal network.
func TestReplayDefaultDirection(t *testing.T) {
	for _, a := range replayAlerts(t) {
		if a.Network.Direction != "external" || a.Source.Geo != nil || a.Portsnare.ScannerList != nil {
			t.Errorf("%s: direction %q, geo %+v, scanner_list %v", a.Event.Action, a.Network.Direction, a.Source.Geo, a.Portsnare.ScannerList)
		}
	}
}

func TestCheckConfigEnrich(t *testing.T) {
	city, asn, list := enrichFiles(t)
	ok := writeFile(t, "ok.yaml", "enrich:\n  geoip_city: "+city+"\n  geoip_asn: "+asn+"\n  scanner_lists: ["+list+"]\nnetwork:\n  internal: [10.0.0.0/8, \"2001:db8::/32\"]\n")
	if code, stdout, stderr := runCLI(t, "check-config", "-c", ok); code != exitOK || stdout != "configuration OK\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	dir := t.TempDir()
	missing := filepath.Join(dir, "GeoLite2-City.mmdb")
	badList := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(badList, []byte("198.51.100.0/24 ok\n10.0.0.300 broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "bad.yaml", "enrich:\n  geoip_city: "+missing+"\n  geoip_asn: "+list+"\n  scanner_lists: ["+badList+"]\n  geoip_country: x\nnetwork:\n  internal: [10.0.0.0/8, 10.1.2.3/16, lan]\n")
	code, stdout, stderr := runCLI(t, "check-config", "-c", bad)
	if code != exitUsage || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	wantProblems(t, strings.Split(stderr, "\n"),
		"enrich.geoip_country: unknown key in "+bad,
		"enrich.geoip_city: open "+missing+": no such file or directory (in "+bad+")",
		"enrich.geoip_asn: "+list+": not a MaxMind DB file",
		"enrich.scanner_lists[0]: "+badList+`:2: "10.0.0.300" is not an IP address or CIDR`,
		`network.internal[1]: "10.1.2.3/16" has bits set past its length: did you mean 10.1.0.0/16? (in `+bad+")",
		`network.internal[2]: "lan" is not an IP address or CIDR`,
	)

	// The environment names the key too.
	t.Setenv("PORTSNARE_ENRICH_GEOIP_ASN", missing)
	_, _, stderr = runCLI(t, "check-config")
	wantProblems(t, []string{stderr}, "enrich.geoip_asn: open "+missing+": no such file or directory (from environment PORTSNARE_ENRICH_GEOIP_ASN)")
}

// An empty list of internal networks is kept as written: nothing is
// internal, every scan is from outside.
func TestNetworkInternalEmpty(t *testing.T) {
	cfg := writeFile(t, "none.yaml", "network:\n  internal: []\n")
	c, err := loadConfig(cfg, pflag.NewFlagSet("test", pflag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Network.Internal) != 0 {
		t.Errorf("internal %v", c.Network.Internal)
	}
	if d, _ := loadConfig("", pflag.NewFlagSet("test", pflag.ContinueOnError)); !reflect.DeepEqual(d.Network.Internal, enrich.DefaultConfig().Internal) {
		t.Errorf("default internal %v", d.Network.Internal)
	}
}

// The example scanner list in deploy/ is valid and tags what it says.
func TestExampleScannerList(t *testing.T) {
	e, err := enrich.New(enrich.Config{ScannerLists: []string{"../../deploy/scanners.example.txt"}}, enrich.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string][]string{
		"192.0.2.10":   {"asset-inventory"},
		"198.51.100.9": {"research-example"},
		"203.0.113.70": {"scanners.example"},
		"203.0.113.1":  nil,
	} {
		a := &detect.Alert{Event: detect.Event{Kind: "alert", Action: detect.ActionPortscan}, Source: detect.Endpoint{IP: src}}
		e.Apply(a)
		if !reflect.DeepEqual(a.Portsnare.ScannerList, want) {
			t.Errorf("%s: %v, want %v", src, a.Portsnare.ScannerList, want)
		}
	}
}
