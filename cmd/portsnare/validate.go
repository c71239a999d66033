package main

import (
	"errors"
	"fmt"
	"github.com/portsnare/portsnare/internal/render"
	"log/slog"
	"net"
	"strings"
	"unicode"
)

// problem is one thing wrong with a configuration. key, when known, lets the
// loader say where the bad value came from.
type problem struct {
	key  string
	text string
}

// validate checks the values of c, all at once: its own sections here and
// the engine's through detect.Config.Validate, whose joined errors are split
// back into one problem each.
func (c *Config) validate() []problem {
	var ps []problem
	if strings.ContainsFunc(c.Detect.Sensor, unicode.IsSpace) || strings.ContainsAny(c.Detect.Sensor, "*>") {
		// The name is a token of the NATS subjects alerts are published on.
		ps = append(ps, problem{"sensor.name", fmt.Sprintf("sensor.name: must not contain white space, '*' or '>', got %q", c.Detect.Sensor)})
	}
	if _, err := parseLevel(c.Log.Level); err != nil {
		ps = append(ps, problem{"log.level", fmt.Sprintf("log.level: expected debug, info, warn or error, got %q", c.Log.Level)})
	}
	if _, err := render.ParseFormat(c.Output.Format); err != nil {
		ps = append(ps, problem{"output.format", "output.format: " + err.Error()})
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		ps = append(ps, problem{"log.format", fmt.Sprintf("log.format: expected text or json, got %q", c.Log.Format)})
	}
	capture := c.Capture
	capture.SetDefaults()
	if err := capture.Validate(); err != nil {
		for _, e := range splitJoined(err) {
			ps = append(ps, problem{keyOf(e.Error()), e.Error()})
		}
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			ps = append(ps, problem{"metrics.listen", fmt.Sprintf("metrics.listen: expected host:port, got %q", c.Metrics.Listen)})
		}
	}
	if err := c.Detect.Validate(); err != nil {
		for _, e := range splitJoined(err) {
			ps = append(ps, qualifyDetect(e.Error()))
		}
	}
	ps = append(ps, c.validateAllowlist()...)
	ps = append(ps, c.validateEnrich()...)
	ps = append(ps, c.validateFleet()...)
	if err := c.NATS.Validate(); err != nil { // each message starts with its key
		for _, e := range splitJoined(err) {
			ps = append(ps, problem{keyOf(e.Error()), e.Error()})
		}
	}
	if err := c.Honeyport.Validate(); err != nil {
		for _, e := range splitJoined(err) {
			ps = append(ps, qualifyHoneyport(e.Error()))
		}
	}
	ps = append(ps, c.validateBlock()...)
	if len(ps) == 0 {
		// Sizes are judged together only once each is valid on its own.
		ps = append(ps, c.checkMemory()...)
	}
	return ps
}

// qualifyHoneyport turns honeyport's "record_bytes must be …" and
// "ports: …" into "honeyport.record_bytes must be …", as qualifyDetect does.
func qualifyHoneyport(msg string) problem {
	for _, s := range settings {
		name, ok := strings.CutPrefix(s.key, "honeyport.")
		if ok && (strings.HasPrefix(msg, name+" ") || strings.HasPrefix(msg, name+":")) {
			return problem{s.key, "honeyport." + msg}
		}
	}
	return problem{text: "honeyport: " + msg}
}

// keyOf returns the key a message starts with, when it names one.
func keyOf(msg string) string {
	for _, s := range settings {
		if strings.HasPrefix(msg, s.key) {
			return s.key
		}
	}
	return ""
}

// splitJoined undoes errors.Join.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// qualifyDetect turns detect's "vertical_ports must be positive, got 0" into
// "detect.vertical_ports must be …", the name the user writes in the file.
// A message that starts with no known field name is kept as it is.
func qualifyDetect(msg string) problem {
	for _, s := range settings {
		name, ok := strings.CutPrefix(s.key, "detect.")
		if ok && strings.HasPrefix(msg, name+" ") {
			return problem{s.key, "detect." + msg}
		}
	}
	return problem{text: msg}
}

// parseLevel accepts slog's level names in any case: debug, info, warn, error.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return l, errors.New("empty log level")
	}
	err := l.UnmarshalText([]byte(s))
	return l, err
}
