package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/portsnare/portsnare/allowlist"
)

// validateAllowlist checks the rules and reads and checks the rules file,
// so that check-config reports their problems with the rest. A problem of
// an inline rule belongs to allowlist.rules; one in the file names the file
// (where allowlist.file was set would only distract); a file that cannot be
// read belongs to allowlist.file.
func (c *Config) validateAllowlist() []problem {
	err := c.Allowlist.Validate()
	if err == nil {
		return nil
	}
	var ps []problem
	for _, e := range splitJoined(err) {
		var fe *allowlist.FileError
		var pe *fs.PathError
		switch {
		case errors.As(e, &fe):
			ps = append(ps, problem{text: "allowlist.file: " + e.Error()})
		case errors.As(e, &pe):
			ps = append(ps, problem{"allowlist.file", "allowlist.file: " + e.Error()})
		default:
			ps = append(ps, problem{"allowlist.rules", "allowlist.rules: " + e.Error()})
		}
	}
	return ps
}

// newAllowlist loads the allowlist of cfg for the engine; nil when there is
// none to load, so that the engine skips the lookup altogether.
func newAllowlist(cfg allowlist.Config, log *slog.Logger) (*allowlist.List, error) {
	if cfg.File == "" && len(cfg.Rules) == 0 {
		return nil, nil
	}
	l, err := allowlist.New(cfg, allowlist.Options{Logger: log})
	if err != nil {
		// Validated with the configuration a moment ago, so the file has
		// changed since: still a configuration problem.
		var ps []string
		for _, e := range splitJoined(err) {
			ps = append(ps, "allowlist: "+e.Error())
		}
		return nil, &configError{problems: ps}
	}
	return l, nil
}

// warnExpired tells, on standard error, of allowlist rules that have
// expired: valid, and loaded, but perhaps not what the operator expects.
func (a *app) warnExpired(cfg Config) {
	for _, e := range cfg.Allowlist.Expired(time.Now()) {
		fmt.Fprintf(a.stderr, "warning: allowlist rule %q expired at %s: it still names its sources, but nothing is in scope, so their scans raise normal alerts\n",
			e.Rule, e.At.Format(time.RFC3339))
	}
}
