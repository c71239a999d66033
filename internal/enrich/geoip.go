package enrich

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/portsnare/portsnare/detect"
)

// MaxDBBytes bounds a GeoIP database. GeoLite2 City is about 60 MB and the
// largest commercial databases a few hundred; a file beyond this is a
// mistake (a wrong path, a disk image), and it would be read into memory.
const MaxDBBytes = 1 << 30

// geoDB is one MaxMind-format database, held in memory.
type geoDB struct {
	r    *maxminddb.Reader
	path string
}

// openGeoDB reads the database at path whole and checks it: its metadata,
// its search tree's size against the file's, and a few sample lookups, so
// that a truncated, half-written or foreign file is refused here, at load.
// A full verification of every record takes seconds per megabyte, too
// long for a reload; damage it alone would find shows as lookup errors,
// counted and logged, never a crash, since the reader bounds-checks every
// offset. The file is read rather than memory-mapped because a mapped
// file rewritten in place (cp over it) changes under the reader, and can
// crash the process.
func openGeoDB(path string) (*geoDB, error) {
	data, err := readBounded(path, MaxDBBytes, "a GeoIP database")
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a MaxMind DB", path)
	}
	r, err := maxminddb.OpenBytes(data)
	if err != nil {
		if strings.Contains(err.Error(), "invalid MaxMind DB file") {
			// No metadata marker: the reader's own words add nothing.
			return nil, fmt.Errorf("%s: not a MaxMind DB file", path)
		}
		return nil, fmt.Errorf("%s: not a MaxMind DB file: %w", path, err)
	}
	if r.Metadata.NodeCount == 0 {
		return nil, fmt.Errorf("%s: a MaxMind DB without networks", path)
	}
	for _, a := range probes {
		if r.Metadata.IPVersion == 4 && a.Is6() {
			continue
		}
		if err := r.Lookup(a).Decode(&cityRecord{}); err != nil {
			return nil, fmt.Errorf("%s: damaged MaxMind DB file: looking up %s: %w", path, a, err)
		}
	}
	return &geoDB{r: r, path: path}, nil
}

// probes are looked up at load, on both sides of the tree and in both
// families, to catch a damaged file before alerts meet it.
var probes = []netip.Addr{
	netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("8.8.8.8"),
	netip.MustParseAddr("100.64.0.1"), netip.MustParseAddr("223.255.255.1"),
	netip.MustParseAddr("2001:4860:4860::8888"), netip.MustParseAddr("2a00::1"),
}

// kind is the database's own type, for the log: GeoLite2-City, …
func (g *geoDB) kind() string { return g.r.Metadata.DatabaseType }

// names holds the English name of a place: decoding into a struct rather
// than a map skips the other languages without allocating for them.
type names struct {
	En string `maxminddb:"en"`
}

// cityRecord is the part of a GeoLite2/GeoIP2 City or Country record that
// ECS geo.* has fields for.
type cityRecord struct {
	Continent struct {
		Code  string `maxminddb:"code"`
		Names names  `maxminddb:"names"`
	} `maxminddb:"continent"`
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   names  `maxminddb:"names"`
	} `maxminddb:"country"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   names  `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
	City struct {
		Names names `maxminddb:"names"`
	} `maxminddb:"city"`
	Postal struct {
		Code string `maxminddb:"code"`
	} `maxminddb:"postal"`
	Location struct {
		// Plain floats: no MaxMind record places an address at 0,0, so
		// both zero means no location, without a pointer to allocate.
		Latitude  float64 `maxminddb:"latitude"`
		Longitude float64 `maxminddb:"longitude"`
		TimeZone  string  `maxminddb:"time_zone"`
	} `maxminddb:"location"`
}

// asnRecord is a GeoLite2/GeoIP2 ASN record.
type asnRecord struct {
	Number       uint32 `maxminddb:"autonomous_system_number"`
	Organization string `maxminddb:"autonomous_system_organization"`
}

// geo looks a up; nil when the database places it nowhere.
func (g *geoDB) geo(a netip.Addr) (*detect.Geo, error) {
	res := g.r.Lookup(a)
	if !res.Found() {
		return nil, res.Err()
	}
	var rec cityRecord
	if err := res.Decode(&rec); err != nil {
		return nil, err
	}
	geo := detect.Geo{
		ContinentCode:  rec.Continent.Code,
		ContinentName:  rec.Continent.Names.En,
		CountryISOCode: rec.Country.ISOCode,
		CountryName:    rec.Country.Names.En,
		CityName:       rec.City.Names.En,
		PostalCode:     rec.Postal.Code,
		Timezone:       rec.Location.TimeZone,
	}
	if len(rec.Subdivisions) > 0 {
		sd := rec.Subdivisions[0] // the largest: a state, not a county
		geo.RegionName = sd.Names.En
		if sd.ISOCode != "" && rec.Country.ISOCode != "" {
			// ECS and ISO 3166-2 write a region with its country: US-CA.
			geo.RegionISOCode = rec.Country.ISOCode + "-" + sd.ISOCode
		}
	}
	if rec.Location.Latitude != 0 || rec.Location.Longitude != 0 {
		geo.Location = &detect.GeoPoint{Lat: rec.Location.Latitude, Lon: rec.Location.Longitude}
	}
	if geo == (detect.Geo{}) {
		return nil, nil // a record with nothing ECS names
	}
	return &geo, nil
}

// as looks a up; nil when the database has no system for it.
func (g *geoDB) as(a netip.Addr) (*detect.AS, error) {
	res := g.r.Lookup(a)
	if !res.Found() {
		return nil, res.Err()
	}
	var rec asnRecord
	if err := res.Decode(&rec); err != nil {
		return nil, err
	}
	if rec.Number == 0 && rec.Organization == "" {
		return nil, nil
	}
	as := &detect.AS{Number: rec.Number}
	if rec.Organization != "" {
		as.Organization = &detect.ASOrganization{Name: rec.Organization}
	}
	return as, nil
}
