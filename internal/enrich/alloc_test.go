package enrich

import (
	"testing"

	"github.com/portsnare/portsnare/detect"
)

// The work per alert is bounded and, without a GeoIP database, free of
// allocation: direction, technique and a list lookup reuse shared values.
func TestApplyAllocatesNothingWithoutGeoIP(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.ScannerLists = []string{writeFile(t, dir, "research.txt", researchList)}
	e := mustNew(t, cfg)
	for _, src := range []string{"192.0.2.1", "198.51.100.1"} { // off, on a list
		a := alert(detect.ActionPortsweep, src, "", "10.0.0.1", "10.0.0.2", "10.0.0.3")
		if n := testing.AllocsPerRun(100, func() { e.Apply(a) }); n != 0 {
			t.Errorf("%s: %v allocations per alert, want 0", src, n)
		}
	}
}

func BenchmarkApply(b *testing.B) {
	dir := b.TempDir()
	cfg := DefaultConfig()
	cfg.GeoIPCity = writeDB(b, dir, "city.mmdb", "GeoLite2-City", cityRecords)
	cfg.GeoIPASN = writeDB(b, dir, "asn.mmdb", "GeoLite2-ASN", asnRecords)
	cfg.ScannerLists = []string{writeFile(b, dir, "research.txt", researchList)}
	e, err := New(cfg, Options{})
	if err != nil {
		b.Fatal(err)
	}
	a := alert(detect.ActionPortscan, "203.0.113.7", "10.0.0.1")
	b.ReportAllocs()
	for b.Loop() {
		e.Apply(a)
	}
}
