package main

import (
	"log/slog"

	"github.com/portsnare/portsnare/internal/enrich"
)

// EnrichConfig is the enrich section: the files alerts are enriched from.
type EnrichConfig struct {
	GeoIPCity    string   // MaxMind-format city database
	GeoIPASN     string   // MaxMind-format ASN database
	ScannerLists []string // known-scanner list files
}

// enrichConfig gathers what the enricher reads from two sections.
func (c *Config) enrichConfig() enrich.Config {
	return enrich.Config{
		Internal:     c.Network.Internal,
		GeoIPCity:    c.Enrich.GeoIPCity,
		GeoIPASN:     c.Enrich.GeoIPASN,
		ScannerLists: c.Enrich.ScannerLists,
	}
}

// validateEnrich checks the internal networks — the one check of
// network.internal, which portsnare block reads too — and reads every
// enrichment file, as the sensor will at start, so that check-config
// reports a missing, unreadable, oversized or invalid file with the rest,
// naming its key and path. Each message starts with its key.
func (c *Config) validateEnrich() []problem {
	err := enrich.Check(c.enrichConfig())
	if err == nil {
		return nil
	}
	var ps []problem
	for _, e := range splitJoined(err) {
		ps = append(ps, problem{keyOf(e.Error()), e.Error()})
	}
	return ps
}

// newEnricher loads the enrichment for the run and replay commands.
func newEnricher(cfg Config, log *slog.Logger) (*enrich.Enricher, error) {
	e, err := enrich.New(cfg.enrichConfig(), enrich.Options{Logger: log})
	if err != nil {
		// Validated with the configuration a moment ago, so a file has
		// changed since: still a configuration problem.
		var ps []string
		for _, e := range splitJoined(err) {
			ps = append(ps, e.Error())
		}
		return nil, &configError{problems: ps}
	}
	return e, nil
}
