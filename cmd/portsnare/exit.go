package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, documented in every command's help.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed: unreadable input, write error, interrupted
	exitUsage   = 2 // the command could not start: bad arguments or flags, invalid configuration
)

// exitError carries the exit code an error maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// configError lists every problem found in a configuration; it maps to
// exitUsage. Problems are kept separate so that they print one per line.
type configError struct {
	problems []string
}

func (e *configError) Error() string { return strings.Join(e.problems, "\n") }

// action adapts a command body to cobra's RunE. An error the body returns is
// a runtime failure (exit 1) unless it is a configuration error (exit 2).
// Errors cobra raises before the body runs — unknown command or flag, bad
// flag value, wrong number of arguments — never pass through here, which is
// how exitCode tells them apart as usage errors.
func action(body func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := body(cmd, args)
		if err == nil {
			return nil
		}
		var ce *configError
		if errors.As(err, &ce) {
			return &exitError{code: exitUsage, err: err}
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return &exitError{code: exitFailure, err: err}
	}
}

// exitCode maps the error from executing the command tree to an exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}
