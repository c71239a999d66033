package block

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Config is the block section of the configuration.
type Config struct {
	// Timeout is how long a source stays blocked after the alert that
	// blocked it (its @timestamp); a later alert extends it.
	Timeout time.Duration
	// MaxElements caps the sources blocked at once, over both sets;
	// beyond it new sources are shed and counted.
	MaxElements int
	// Never lists addresses and CIDRs that are never blocked.
	Never []string
	// Internal allows blocking sources inside network.internal.
	Internal bool
	// CreateRule makes a chain with one drop rule per set; without it
	// the sets are only filled, for the operator's own rules to use.
	CreateRule bool
	// Table is the nftables table (family inet) of the sets and the
	// chain; created when missing.
	Table string
	// SetV4 and SetV6 are the sets of IPv4 and IPv6 sources.
	SetV4, SetV6 string
	// Chain is the base chain of the drop rules (block.create_rule).
	Chain string
	// Actions are the event.action values whose start and update alerts
	// block their source.
	Actions []string
	// Consumer is the durable JetStream consumer's name; one per blocking
	// host.
	Consumer string
	// MetricsListen is the host:port of the Prometheus endpoint; empty
	// turns it off.
	MetricsListen string
}

// DefaultActions are the scan and decoy actions of the engine. Not in it:
// authorized-scan-missing (the authorized scanner did not run: nothing to
// drop) and whatever is not an alert of a scanning source.
var DefaultActions = []string{"portscan", "portsweep", "blockscan", "pingsweep", "ipprotoscan",
	"osscan", "decoy-portscan", "distributed-portscan", "honeyport"}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Timeout:       time.Hour,
		MaxElements:   65536,
		Table:         "portsnare",
		SetV4:         "blocked4",
		SetV6:         "blocked6",
		Chain:         "drop-scanners",
		Actions:       append([]string(nil), DefaultActions...),
		Consumer:      "portsnare-block",
		MetricsListen: "127.0.0.1:9478",
	}
}

// Bounds of the sizes and times, so that a typo cannot make the ledger or
// the kernel's sets unbounded.
const (
	MaxTimeout     = 30 * 24 * time.Hour
	MinTimeout     = time.Second
	MaxMaxElements = 1 << 20
	maxNameLen     = 255 // NFT_NAME_MAXLEN less its NUL
)

// Validate reports every problem, each message starting with its key.
func (c Config) Validate() error {
	var errs []error
	if c.Timeout < MinTimeout || c.Timeout > MaxTimeout {
		errs = append(errs, fmt.Errorf("block.timeout must be between %s and %s, got %s", MinTimeout, MaxTimeout, c.Timeout))
	}
	if c.MaxElements < 1 || c.MaxElements > MaxMaxElements {
		errs = append(errs, fmt.Errorf("block.max_elements must be between 1 and %d, got %d", MaxMaxElements, c.MaxElements))
	}
	if _, err := ParsePrefixes("block.never", c.Never); err != nil {
		errs = append(errs, err.(interface{ Unwrap() []error }).Unwrap()...) // one error per entry
	}
	for _, n := range []struct{ key, v string }{{"block.table", c.Table}, {"block.set_v4", c.SetV4}, {"block.set_v6", c.SetV6}, {"block.chain", c.Chain}} {
		if n.v == "" || len(n.v) > maxNameLen || strings.ContainsFunc(n.v, badNameRune) {
			errs = append(errs, fmt.Errorf("%s must be an nftables name (1 to %d characters, no white space or quotes), got %q", n.key, maxNameLen, n.v))
		}
	}
	if c.SetV4 == c.SetV6 {
		errs = append(errs, fmt.Errorf("block.set_v6 must differ from block.set_v4, both are %q", c.SetV4))
	}
	if len(c.Actions) == 0 {
		errs = append(errs, errors.New("block.actions must name at least one event.action, got none"))
	}
	for _, a := range c.Actions {
		if a == "" || strings.ContainsFunc(a, unicode.IsSpace) {
			errs = append(errs, fmt.Errorf("block.actions: %q is no event.action", a))
		}
	}
	if c.Consumer == "" || strings.ContainsFunc(c.Consumer, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(".*>/\\", r)
	}) {
		errs = append(errs, fmt.Errorf("block.consumer must be a JetStream consumer name (no white space, '.', '*', '>', '/' or '\\'), got %q", c.Consumer))
	}
	return errors.Join(errs...)
}

func badNameRune(r rune) bool {
	return unicode.IsSpace(r) || r == '"' || r == '\'' || !unicode.IsPrint(r)
}
