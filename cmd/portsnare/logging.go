package main

import (
	"io"
	"log/slog"
)

// newLogger returns the logger the commands pass down; nothing in portsnare
// logs through a global. c has been validated, so the level parses.
func newLogger(w io.Writer, c LogConfig) *slog.Logger {
	level, _ := parseLevel(c.Level)
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
