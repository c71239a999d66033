package enrich

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// geoOf enriches an alert from src and returns its source.
func geoOf(e *Enricher, src string) detect.Endpoint {
	a := alert(detect.ActionPortscan, src, "10.0.0.1")
	e.Apply(a)
	return a.Source
}

func TestReloadReplacedDatabase(t *testing.T) {
	dir := t.TempDir()
	path := writeDB(t, dir, "city.mmdb", "GeoLite2-City", cityRecords)
	var logs bytes.Buffer
	e, err := New(Config{GeoIPCity: path}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Refresh(); err != nil || e.Stats().Reloads != 0 {
		t.Fatalf("unchanged file: err %v, reloads %d", err, e.Stats().Reloads)
	}
	moved := map[string]map[string]any{"203.0.113.0/24": {"country": map[string]any{"iso_code": "FR", "names": map[string]any{"en": "France"}}}}
	testkit.MMDB(t, path, "GeoLite2-City", moved)
	if err := e.Refresh(); err != nil {
		t.Fatal(err)
	}
	if g := geoOf(e, "203.0.113.1").Geo; g == nil || g.CountryISOCode != "FR" || g.CityName != "" {
		t.Errorf("after the replacement: %+v", g)
	}
	if st := e.Stats(); st.Reloads != 1 || st.Failures != 0 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(logs.String(), "enrich: reloaded") {
		t.Errorf("no reload logged:\n%s", logs.String())
	}
}

// A broken new file is rejected with the reason, the database in force
// stays, and the same broken file is not tried again until it changes.
func TestReloadBrokenDatabaseKeepsTheOld(t *testing.T) {
	dir := t.TempDir()
	path := writeDB(t, dir, "city.mmdb", "GeoLite2-City", cityRecords)
	var logs bytes.Buffer
	e, err := New(Config{GeoIPCity: path}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "city.mmdb", "half a download")
	err = e.Refresh()
	if err == nil || !strings.Contains(err.Error(), "enrich.geoip_city: "+path+": not a MaxMind DB file") {
		t.Errorf("err %v", err)
	}
	if g := geoOf(e, "203.0.113.1").Geo; g == nil || g.CityName != "Berlin" {
		t.Errorf("the old database is gone: %+v", g)
	}
	if !strings.Contains(logs.String(), "enrich: reload rejected; the file in force stays") || !strings.Contains(logs.String(), "not a MaxMind DB file") {
		t.Errorf("the rejection is not logged with its reason:\n%s", logs.String())
	}
	if err := e.Refresh(); err != nil || e.Stats().Failures != 1 {
		t.Errorf("the same bad file tried again: err %v, failures %d", err, e.Stats().Failures)
	}
	// A forced reload (SIGHUP) reads it again, and rejects it again.
	if err := e.Reload(); err == nil || e.Stats().Failures != 2 {
		t.Errorf("reload: err %v, failures %d", err, e.Stats().Failures)
	}
	// Removed: rejected too, the old one stays.
	os.Remove(path)
	if err := e.Refresh(); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("removed: %v", err)
	}
	testkit.MMDB(t, path, "GeoLite2-City", cityRecords)
	if err := e.Refresh(); err != nil || e.Stats().Reloads != 1 {
		t.Errorf("fixed: err %v, stats %+v", err, e.Stats())
	}
}

func TestReloadScannerLists(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "research.txt", researchList)
	e := mustNew(t, Config{ScannerLists: []string{path}})
	writeFile(t, dir, "research.txt", "192.0.2.0/24 newcomer\n")
	if err := e.Refresh(); err != nil {
		t.Fatal(err)
	}
	if got := scannerList(e, "192.0.2.1"); !reflect.DeepEqual(got, []string{"newcomer"}) {
		t.Errorf("after the change: %v", got)
	}
	if got := scannerList(e, "198.51.100.1"); got != nil {
		t.Errorf("a removed network still tagged: %v", got)
	}
	writeFile(t, dir, "research.txt", "192.0.2.0/24 newcomer\n192.0.2.300 oops\n")
	if err := e.Refresh(); err == nil || !strings.Contains(err.Error(), "research.txt:2:") {
		t.Errorf("bad change: %v", err)
	}
	if got := scannerList(e, "192.0.2.1"); !reflect.DeepEqual(got, []string{"newcomer"}) {
		t.Errorf("after a bad change: %v", got)
	}
}

func scannerList(e *Enricher, src string) []string {
	a := alert(detect.ActionPortscan, src, "10.0.0.1")
	e.Apply(a)
	return a.Portsnare.ScannerList
}

// Update, on SIGHUP, swaps in new internal networks and re-reads the
// files; a changed path is reported and waits for a restart; invalid
// networks keep the ones in force.
func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "research.txt", researchList)
	e := mustNew(t, Config{Internal: []string{"10.0.0.0/8"}, ScannerLists: []string{path}})
	if err := e.Update(Config{Internal: []string{"198.51.100.0/24"}, ScannerLists: []string{path}}); err != nil {
		t.Fatal(err)
	}
	if d := directionOf(e, "198.51.100.1", "203.0.113.1"); d != DirOutbound {
		t.Errorf("new internal networks not in force: %s", d)
	}
	err := e.Update(Config{Internal: []string{"bogus"}, ScannerLists: []string{path + ".new"}})
	for _, want := range []string{`network.internal[0]: "bogus"`, "enrich.scanner_lists: changed from"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err lacks %q: %v", want, err)
		}
	}
	if d := directionOf(e, "198.51.100.1", "203.0.113.1"); d != DirOutbound {
		t.Errorf("a rejected update changed the networks: %s", d)
	}
}

func directionOf(e *Enricher, src, dst string) string {
	a := alert(detect.ActionPortscan, src, dst)
	e.Apply(a)
	return a.Network.Direction
}

// The watcher sees a database replaced by rename, as geoipupdate does it.
func TestRunWatchesTheFiles(t *testing.T) {
	dir := t.TempDir()
	path := writeDB(t, dir, "asn.mmdb", "GeoLite2-ASN", asnRecords)
	e, err := New(Config{GeoIPASN: path}, Options{Poll: 50 * time.Millisecond, Debounce: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	testkit.MMDB(t, path, "GeoLite2-ASN", map[string]map[string]any{
		"203.0.113.0/24": {"autonomous_system_number": uint32(64496), "autonomous_system_organization": "Renamed Networks"},
	})
	testkit.WaitFor(t, 10*time.Second, "the replaced ASN database to be loaded", func() bool {
		as := geoOf(e, "203.0.113.1").AS
		return as != nil && as.Number == 64496
	})
}
