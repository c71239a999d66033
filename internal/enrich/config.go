package enrich

import (
	"errors"
	"fmt"
	"slices"

	"github.com/portsnare/portsnare/internal/netset"
)

// Configuration keys, as messages name them.
const (
	KeyInternal     = "network.internal"
	KeyGeoIPCity    = "enrich.geoip_city"
	KeyGeoIPASN     = "enrich.geoip_asn"
	KeyScannerLists = "enrich.scanner_lists"
)

// Config says what to add to alerts. The zero Config adds the direction
// with no network internal; DefaultConfig is what the CLI starts from.
type Config struct {
	// Internal lists the networks that are this organisation's, as CIDRs
	// or addresses: they decide network.direction and the technique.
	Internal []string
	// GeoIPCity is a MaxMind-format city (or country) database; empty
	// means none.
	GeoIPCity string
	// GeoIPASN is a MaxMind-format ASN database; empty means none.
	GeoIPASN string
	// ScannerLists are files of known scanners' networks (see
	// parseScannerList).
	ScannerLists []string
}

// DefaultConfig: the default internal networks, no databases, no lists.
func DefaultConfig() Config {
	return Config{Internal: netset.DefaultInternal()}
}

// Check loads everything c names, as New would, and returns every problem
// at once, each message starting with its key and naming the file or value.
func Check(c Config) error {
	_, err := load(c)
	return err
}

// state is everything one Config loads.
type state struct {
	internal netset.Set
	city     *geoDB
	asn      *geoDB
	scanners *scannerIndex
}

// load reads every file of c, reporting every problem.
func load(c Config) (state, error) {
	var st state
	var errs []error
	var err error
	if st.internal, err = netset.Parse(c.Internal); err != nil {
		errs = append(errs, prefixLines(KeyInternal, err)...)
	}
	if c.GeoIPCity != "" {
		if st.city, err = openGeoDB(c.GeoIPCity); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeyGeoIPCity, err))
		}
	}
	if c.GeoIPASN != "" {
		if st.asn, err = openGeoDB(c.GeoIPASN); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeyGeoIPASN, err))
		}
	}
	if dup := duplicate(c.ScannerLists); dup != "" {
		errs = append(errs, fmt.Errorf("%s: %q is listed twice", KeyScannerLists, dup))
	} else if len(c.ScannerLists) > 0 {
		if st.scanners, err = loadScannerLists(c.ScannerLists); err != nil {
			errs = append(errs, prefixLines(KeyScannerLists, err)...)
		}
	}
	return st, errors.Join(errs...)
}

// prefixLines puts key before each of err's joined errors, so that each
// problem reads, and is reported, on its own.
func prefixLines(key string, err error) []error {
	var out []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, prefixLines(key, e)...)
		}
		return out
	}
	return []error{fmt.Errorf("%s%s", key, sep(err.Error()))}
}

// sep joins a key to a message: "key[3]: …" for an index, "key: …" else.
func sep(msg string) string {
	if len(msg) > 0 && msg[0] == '[' {
		return msg
	}
	return ": " + msg
}

func duplicate(paths []string) string {
	for i, p := range paths {
		if slices.Contains(paths[:i], p) {
			return p
		}
	}
	return ""
}
