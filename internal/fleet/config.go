package fleet

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/portsnare/portsnare/sensor/publish"
)

// Config is the fleet section: a sensor's evidence for the correlators.
// Field comments name the configuration key; its documentation is in
// cmd/portsnare's table.
type Config struct {
	Enabled       bool          // fleet.enabled
	Stream        string        // fleet.stream
	Partitions    int           // fleet.partitions
	MaxRate       int           // fleet.max_rate: records per second of packet time
	BatchInterval time.Duration // fleet.batch_interval
	MaxAge        time.Duration // fleet.max_age
	MaxBytes      int           // fleet.max_bytes
	Replicas      int           // fleet.replicas
}

// MaxPartitions bounds fleet.partitions: a partition is a filter subject
// of a consumer, and thousands of them only cost.
const MaxPartitions = 256

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Stream:        "PORTSNARE_EVIDENCE",
		Partitions:    16,
		MaxRate:       1000,
		BatchInterval: time.Second,
		MaxAge:        24 * time.Hour,
		MaxBytes:      1 << 30,
		Replicas:      1,
	}
}

// Validate reports every problem at once, each starting with its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("fleet.%s %s", key, fmt.Sprintf(format, args...)))
	}
	publish.CheckStream(c.Stream, c.MaxAge, c.MaxBytes, c.Replicas, bad)
	if c.Partitions < 1 || c.Partitions > MaxPartitions {
		bad("partitions", "must be between 1 and %d, got %d", MaxPartitions, c.Partitions)
	}
	if c.MaxRate < 1 || c.MaxRate > 1_000_000 {
		bad("max_rate", "must be between 1 and 1000000 records per second, got %d", c.MaxRate)
	}
	if c.BatchInterval < 10*time.Millisecond || c.BatchInterval > time.Minute {
		bad("batch_interval", "must be between 10ms and 1m, got %s", c.BatchInterval)
	}
	return errors.Join(errs...)
}

// CorrelateConfig is the correlate section: a portsnare correlate
// instance.
type CorrelateConfig struct {
	Name       string // correlate.name: observer.hostname of fleet alerts; empty: the host name
	Partitions string // correlate.partitions: the partitions this instance owns, "0-3,8"; empty: all
	Consumer   string // correlate.consumer: durable consumer name; empty: correlate-<name>
	MinSensors int    // correlate.min_sensors
	// CampaignWindow and CampaignMinSources: at least
	// campaign_min_sources sources with one tool and one port set, each
	// active within campaign_window of packet time, are a campaign (0
	// sources: campaigns off).
	CampaignWindow     time.Duration // correlate.campaign_window
	CampaignMinSources int           // correlate.campaign_min_sources
}

// DefaultCorrelateConfig returns the defaults.
func DefaultCorrelateConfig() CorrelateConfig {
	return CorrelateConfig{MinSensors: 2, CampaignWindow: 10 * time.Minute, CampaignMinSources: 5}
}

// Validate reports every problem at once; partitions is fleet.partitions.
func (c *CorrelateConfig) Validate(partitions int) error {
	var errs []error
	if _, err := ParsePartitions(c.Partitions, partitions); err != nil {
		errs = append(errs, fmt.Errorf("correlate.partitions %v", err))
	}
	if c.Consumer != "" && !publish.ValidName(c.Consumer) {
		errs = append(errs, fmt.Errorf("correlate.consumer must be a name without white space, '.', '*', '>', '/' or '\\', got %q", c.Consumer))
	}
	if c.MinSensors < 1 || c.MinSensors > 1000 {
		errs = append(errs, fmt.Errorf("correlate.min_sensors must be between 1 and 1000, got %d", c.MinSensors))
	}
	if c.CampaignWindow < time.Second || c.CampaignWindow > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("correlate.campaign_window must be between 1s and 168h, got %s", c.CampaignWindow))
	}
	if c.CampaignMinSources != 0 && (c.CampaignMinSources < 2 || c.CampaignMinSources > maxCampaignMembers) {
		errs = append(errs, fmt.Errorf("correlate.campaign_min_sources must be 0 (off) or between 2 and %d, got %d", maxCampaignMembers, c.CampaignMinSources))
	}
	return errors.Join(errs...)
}

// ParsePartitions reads a partition list ("0-3,8", "5"; empty: all n),
// each below n, and returns them ascending, each once.
func ParsePartitions(s string, n int) ([]int, error) {
	if n < 1 || n > MaxPartitions {
		return nil, fmt.Errorf("fleet.partitions %d out of range", n)
	}
	own := make([]bool, n)
	if strings.TrimSpace(s) == "" {
		for i := range own {
			own[i] = true
		}
	}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(item, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		switch {
		case err1 != nil || err2 != nil:
			return nil, fmt.Errorf("%q: want a partition or a range such as 0-3", item)
		case a < 0 || b >= n || a > b:
			return nil, fmt.Errorf("%q: partitions run from 0 to %d (fleet.partitions %d)", item, n-1, n)
		}
		for i := a; i <= b; i++ {
			own[i] = true
		}
	}
	var out []int
	for i, o := range own {
		if o {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("names no partition")
	}
	return out, nil
}
