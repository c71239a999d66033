package testkit

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// MMDB writes a MaxMind-format database of type dbType (GeoLite2-City,
// GeoLite2-ASN, …) to path, with a record for each CIDR of records. A
// record is written as Go values: map[string]any, []any, string, float64,
// uint32, uint64, int and bool, so a test spells GeoLite2's layout
// directly. Reserved networks (RFC 1918, RFC 2544, …) are allowed: tests
// use them. The file is written beside path and renamed into place, as
// geoipupdate does.
func MMDB(t testing.TB, path, dbType string, records map[string]map[string]any) {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		Description:             map[string]string{"en": "portsnare test database"},
		IncludeReservedNetworks: true,
		RecordSize:              28,
		Languages:               []string{"en"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cidrs := make([]string, 0, len(records))
	for c := range records {
		cidrs = append(cidrs, c)
	}
	slices.Sort(cidrs) // a stable file for the same records
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			t.Fatalf("testkit.MMDB: %v", err)
		}
		v, err := mmdbValue(records[c])
		if err != nil {
			t.Fatalf("testkit.MMDB: %s: %v", c, err)
		}
		if err := tree.Insert(n, v); err != nil {
			t.Fatalf("testkit.MMDB: %s: %v", c, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mmdb-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(tmp); err != nil {
		t.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		t.Fatal(err)
	}
}

func mmdbValue(v any) (mmdbtype.DataType, error) {
	switch x := v.(type) {
	case map[string]any:
		m := mmdbtype.Map{}
		for k, e := range x {
			d, err := mmdbValue(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			m[mmdbtype.String(k)] = d
		}
		return m, nil
	case []any:
		s := make(mmdbtype.Slice, len(x))
		for i, e := range x {
			d, err := mmdbValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			s[i] = d
		}
		return s, nil
	case string:
		return mmdbtype.String(x), nil
	case float64:
		return mmdbtype.Float64(x), nil
	case uint32:
		return mmdbtype.Uint32(x), nil
	case uint64:
		return mmdbtype.Uint64(x), nil
	case int:
		return mmdbtype.Int32(x), nil
	case bool:
		return mmdbtype.Bool(x), nil
	}
	return nil, fmt.Errorf("no MaxMind DB type for %T", v)
}
