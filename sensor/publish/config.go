package publish

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Config is the nats section of the configuration. Field comments name
// the configuration key; its documentation is in cmd/portsnare's table.
type Config struct {
	URLs            []string      // nats.urls: servers of an external NATS; empty runs the embedded server
	SubjectPrefix   string        // nats.subject_prefix
	Stream          string        // nats.stream
	MaxAge          time.Duration // nats.max_age
	MaxBytes        int           // nats.max_bytes
	Replicas        int           // nats.replicas
	DuplicateWindow time.Duration // nats.duplicate_window
	PublishTimeout  time.Duration // nats.publish_timeout
	FlushTimeout    time.Duration // nats.flush_timeout
	SpoolDir        string        // nats.spool_dir; empty: StateDir()/spool
	SpoolMaxBytes   int           // nats.spool_max_bytes
	TLSCA           string        // nats.tls_ca
	TLSCert         string        // nats.tls_cert
	TLSKey          string        // nats.tls_key
	CredsFile       string        // nats.creds_file
	NkeyFile        string        // nats.nkey_file
	Token           string        // nats.token
	User            string        // nats.user
	Password        string        // nats.password
	Listen          string        // nats.listen: the embedded server's client address
	DataDir         string        // nats.data_dir; empty: StateDir()/nats
	// Kinds are the subject kinds the stream takes (<prefix>.<kind>.>),
	// set by a publisher of documents other than alerts (fleet evidence:
	// its own stream); empty: alert, suppressed and audit. No key.
	Kinds []string
}

// DefaultConfig returns the defaults, with the directories left empty:
// they depend on the user running the process and are resolved by
// SetDefaults, so that a configuration file listing the defaults is the
// same on every machine.
func DefaultConfig() Config {
	return Config{
		SubjectPrefix:   "portsnare",
		Stream:          "PORTSNARE",
		MaxAge:          30 * 24 * time.Hour,
		MaxBytes:        1 << 30,
		Replicas:        1,
		DuplicateWindow: time.Hour,
		PublishTimeout:  5 * time.Second,
		FlushTimeout:    10 * time.Second,
		SpoolMaxBytes:   256 << 20,
		Listen:          "127.0.0.1:4222",
	}
}

// SetDefaults fills the fields left at their zero value, the directories
// included (see StateDir).
func (c *Config) SetDefaults() {
	d := DefaultConfig()
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	set(&c.SubjectPrefix, d.SubjectPrefix)
	set(&c.Stream, d.Stream)
	set(&c.Listen, d.Listen)
	set(&c.SpoolDir, filepath.Join(StateDir(), "spool"))
	set(&c.DataDir, filepath.Join(StateDir(), "nats"))
	if c.MaxAge == 0 {
		c.MaxAge = d.MaxAge
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = d.MaxBytes
	}
	if c.Replicas == 0 {
		c.Replicas = d.Replicas
	}
	if c.DuplicateWindow == 0 {
		c.DuplicateWindow = d.DuplicateWindow
	}
	if c.PublishTimeout == 0 {
		c.PublishTimeout = d.PublishTimeout
	}
	if c.FlushTimeout == 0 {
		c.FlushTimeout = d.FlushTimeout
	}
	if c.SpoolMaxBytes == 0 {
		c.SpoolMaxBytes = d.SpoolMaxBytes
	}
}

// Embedded reports whether c runs the embedded server: no URL is set.
func (c *Config) Embedded() bool { return len(c.URLs) == 0 }

// MinSpoolBytes and MaxSpoolBytes bound nats.spool_max_bytes. The spool
// is on disk, so the upper bound only catches a unit slip (a size in bits,
// or one digit group too many): 1 TiB of queued alerts is years of them.
const (
	MinSpoolBytes = 64 << 10
	MaxSpoolBytes = 1 << 40
)

// Validate reports every problem at once, each message starting with the
// key it is about. Files named by the TLS and credential keys must be
// readable: a typo there would otherwise surface only at the first
// connection.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("nats.%s %s", key, fmt.Sprintf(format, args...)))
	}
	for i, u := range c.URLs {
		if err := checkURL(u); err != nil {
			bad("urls", "item %d: %v", i, err)
		}
	}
	if err := checkSubjectPrefix(c.SubjectPrefix); err != nil {
		bad("subject_prefix", "%v", err)
	}
	CheckStream(c.Stream, c.MaxAge, c.MaxBytes, c.Replicas, bad)
	if c.DuplicateWindow <= 0 {
		bad("duplicate_window", "must be a positive duration, got %s", c.DuplicateWindow)
	} else if c.MaxAge > 0 && c.DuplicateWindow > c.MaxAge {
		bad("duplicate_window", "(%s) must not exceed nats.max_age (%s)", c.DuplicateWindow, c.MaxAge)
	}
	if c.PublishTimeout <= 0 {
		bad("publish_timeout", "must be a positive duration, got %s", c.PublishTimeout)
	}
	if c.FlushTimeout <= 0 {
		bad("flush_timeout", "must be a positive duration, got %s", c.FlushTimeout)
	}
	if c.SpoolMaxBytes < MinSpoolBytes || c.SpoolMaxBytes > MaxSpoolBytes {
		bad("spool_max_bytes", "must be between %d and %d, got %d", MinSpoolBytes, MaxSpoolBytes, c.SpoolMaxBytes)
	}
	if err := checkListen(c.Listen); err != nil {
		bad("listen", "%v", err)
	}
	errs = append(errs, c.validateAuth()...)
	return errors.Join(errs...)
}

// validateAuth checks the TLS and credential keys together.
func (c *Config) validateAuth() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("nats.%s %s", key, fmt.Sprintf(format, args...)))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("tls_cert", "and nats.tls_key go together: set both or neither")
	}
	var methods []string
	for _, m := range []struct{ key, v string }{{"creds_file", c.CredsFile}, {"nkey_file", c.NkeyFile}, {"token", c.Token}, {"user", c.User}} {
		if m.v != "" {
			methods = append(methods, "nats."+m.key)
		}
	}
	if len(methods) > 1 {
		bad(strings.TrimPrefix(methods[1], "nats."), "cannot be used with %s: choose one way to authenticate", methods[0])
	}
	if c.Password != "" && c.User == "" {
		bad("password", "needs nats.user")
	}
	if c.User != "" && c.Password == "" {
		bad("user", "needs nats.password")
	}
	for _, f := range []struct{ key, path string }{{"tls_ca", c.TLSCA}, {"tls_cert", c.TLSCert}, {"tls_key", c.TLSKey}, {"creds_file", c.CredsFile}, {"nkey_file", c.NkeyFile}} {
		if f.path == "" {
			continue
		}
		if c.Embedded() {
			bad(f.key, "is for an external server: set nats.urls (the embedded server takes nats.token or nats.user and nats.password only)")
			continue
		}
		if fh, err := os.Open(f.path); err != nil {
			bad(f.key, "%v", unwrapPath(err))
		} else {
			fh.Close()
		}
	}
	return errs
}

// unwrapPath shortens "open /x: no such file or directory" to the point.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read %s: %v", pe.Path, pe.Err)
	}
	return err
}

func checkURL(s string) error {
	raw := s
	if !strings.Contains(s, "://") {
		s = "nats://" + s // nats.go accepts host:port too
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	switch u.Scheme {
	case "nats", "tls", "ws", "wss":
	default:
		return fmt.Errorf("%q: scheme must be nats, tls, ws or wss", raw)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q: bad port", raw)
		}
	}
	return nil
}

// CheckStream reports, through bad (key, then message), what is wrong
// with a stream's name and limits, as their keys name them: stream,
// max_age, max_bytes, replicas. The alert stream's section and the fleet
// section share it.
func CheckStream(name string, maxAge time.Duration, maxBytes, replicas int, bad func(key, format string, args ...any)) {
	if !ValidName(name) {
		bad("stream", "must be a name without white space, '.', '*', '>', '/' or '\\', got %q", name)
	}
	if maxAge <= 0 {
		bad("max_age", "must be a positive duration, got %s", maxAge)
	}
	if maxBytes <= 0 {
		bad("max_bytes", "must be positive, got %d", maxBytes)
	}
	if replicas < 1 || replicas > 5 {
		bad("replicas", "must be between 1 and 5, got %d", replicas)
	}
}

// ValidName reports whether name can name a JetStream stream or consumer:
// not empty, and without white space, '.', '*', '>', '/' or '\\'.
func ValidName(name string) bool {
	return name != "" && !strings.ContainsAny(name, ".*>/\\") && !strings.ContainsFunc(name, unicode.IsSpace)
}

func checkSubjectPrefix(p string) error {
	if p == "" {
		return errors.New("must not be empty")
	}
	for tok := range strings.SplitSeq(p, ".") {
		if tok == "" || tok == "*" || tok == ">" || strings.ContainsAny(tok, "*>") || strings.ContainsFunc(tok, unicode.IsSpace) {
			return fmt.Errorf("must be subject tokens joined by '.', without white space or wildcards, got %q", p)
		}
	}
	return nil
}

// checkListen accepts host:port with a port from 0 (any free port) to 65535.
func checkListen(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("must be host:port, got %q", s)
	}
	if host == "" {
		return fmt.Errorf("must name a host (127.0.0.1 for this host only, 0.0.0.0 for every address), got %q", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port must be between 0 and 65535, got %q", s)
	}
	return nil
}
