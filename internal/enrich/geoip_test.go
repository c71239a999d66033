package enrich

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

func TestGeoIPAndASN(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.GeoIPCity = writeDB(t, dir, "city.mmdb", "GeoLite2-City", cityRecords)
	cfg.GeoIPASN = writeDB(t, dir, "asn.mmdb", "GeoLite2-ASN", asnRecords)
	e := mustNew(t, cfg)

	a := alert(detect.ActionPortscan, "203.0.113.77", "10.0.0.1")
	e.Apply(a)
	wantGeo := &detect.Geo{
		ContinentCode: "EU", ContinentName: "Europe", CountryISOCode: "DE", CountryName: "Germany",
		RegionISOCode: "DE-BE", RegionName: "Land Berlin", CityName: "Berlin", PostalCode: "10115",
		Timezone: "Europe/Berlin", Location: &detect.GeoPoint{Lat: 52.52, Lon: 13.405},
	}
	if !reflect.DeepEqual(a.Source.Geo, wantGeo) {
		t.Errorf("source.geo %+v, want %+v", a.Source.Geo, wantGeo)
	}
	wantAS := &detect.AS{Number: 64500, Organization: &detect.ASOrganization{Name: "Example Transit"}}
	if !reflect.DeepEqual(a.Source.AS, wantAS) {
		t.Errorf("source.as %+v, want %+v", a.Source.AS, wantAS)
	}
	if a.Destination.Geo != nil || a.Destination.AS != nil {
		t.Error("the destination was placed too: only the source is")
	}

	// A record with a country only: no location, no region; an AS without
	// an organisation.
	a = alert(detect.ActionPortscan, "198.18.0.10", "10.0.0.1")
	e.Apply(a)
	if !reflect.DeepEqual(a.Source.Geo, &detect.Geo{CountryISOCode: "NL", CountryName: "Netherlands"}) {
		t.Errorf("source.geo %+v", a.Source.Geo)
	}
	if !reflect.DeepEqual(a.Source.AS, &detect.AS{Number: 64511}) {
		t.Errorf("source.as %+v", a.Source.AS)
	}

	a = alert(detect.ActionPortscan, "2001:db8:1::9", "fd00::1")
	e.Apply(a)
	if a.Source.Geo == nil || a.Source.Geo.CountryISOCode != "JP" || a.Source.Geo.Location == nil || a.Source.Geo.Location.Lat != 35.69 {
		t.Errorf("IPv6 source.geo %+v", a.Source.Geo)
	}

	// Not in the databases: nothing, not empty objects.
	a = alert(detect.ActionPortscan, "192.0.2.1", "10.0.0.1")
	e.Apply(a)
	if a.Source.Geo != nil || a.Source.AS != nil {
		t.Errorf("unknown address placed: geo %+v as %+v", a.Source.Geo, a.Source.AS)
	}
	if st := e.Stats(); st.LookupErrors != 0 {
		t.Errorf("lookup errors: %d", st.LookupErrors)
	}
}

// A database of another layout (here an ASN database given as the city
// one) places nothing, and no error is made of it.
func TestGeoIPOtherLayout(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{GeoIPCity: writeDB(t, dir, "asn.mmdb", "GeoLite2-ASN", asnRecords)}
	e := mustNew(t, cfg)
	a := alert(detect.ActionPortscan, "203.0.113.77", "10.0.0.1")
	e.Apply(a)
	if a.Source.Geo != nil {
		t.Errorf("source.geo %+v", a.Source.Geo)
	}
}

// Files that cannot serve are configuration errors naming the key and the
// path, all reported at once.
func TestGeoIPBadFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "GeoLite2-City.mmdb")
	notDB := writeFile(t, dir, "asn.mmdb", "this is not a database\n")
	_, err := New(Config{GeoIPCity: missing, GeoIPASN: notDB}, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"enrich.geoip_city: open " + missing + ": no such file or directory",
		"enrich.geoip_asn: " + notDB + ": not a MaxMind DB file",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	if _, err := New(Config{GeoIPCity: dir}, Options{}); err == nil || !strings.Contains(err.Error(), "enrich.geoip_city: "+dir+": not a regular file") {
		t.Errorf("a directory: %v", err)
	}
	empty := writeFile(t, dir, "empty.mmdb", "")
	if _, err := New(Config{GeoIPCity: empty}, Options{}); err == nil || !strings.Contains(err.Error(), "empty file") {
		t.Errorf("an empty file: %v", err)
	}
}

// A database larger than the bound is refused from its size alone (the
// file is sparse: nothing is written or read).
func TestGeoIPTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxDBBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = New(Config{GeoIPASN: path}, Options{})
	if err == nil || !strings.Contains(err.Error(), "enrich.geoip_asn: "+path+": 1073741825 bytes, larger than the 1073741824") {
		t.Errorf("err %v", err)
	}
}

// A truncated database (a copy cut short) is refused at load.
func TestGeoIPTruncated(t *testing.T) {
	dir := t.TempDir()
	path := writeDB(t, dir, "city.mmdb", "GeoLite2-City", cityRecords)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, dir, "cut.mmdb", string(data[:len(data)/2]))
	if _, err := New(Config{GeoIPCity: cut}, Options{}); err == nil || !strings.Contains(err.Error(), "enrich.geoip_city: "+cut+": not a MaxMind DB file") {
		t.Errorf("err %v", err)
	}
}
