package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// app holds what the commands share: the output streams and the global
// flags. Each run builds its own app and command tree, with no package
// state, so tests run the CLI in-process.
type app struct {
	stdout, stderr io.Writer
	configPath     string
	flags          *pflag.FlagSet // the running command's, kept for reloads
}

// run executes the command line args and returns the exit status. ctx is
// cancelled on SIGINT and SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Standard error is written from several goroutines (the logger, the
	// publishers' reports, a replay's summary and progress): each write
	// goes through whole.
	a := &app{stdout: stdout, stderr: &lockedWriter{w: stderr}}
	root := a.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		a.printError(cmd, err)
	}
	return exitCode(err)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:     "portsnare",
		Short:   "Detect port scans and publish alerts",
		Long:    rootLong(),
		Example: rootExample,
		// Errors are printed once, by printError, with the exit status they
		// map to; cobra would print them and the whole usage text as well.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.PersistentFlags().StringVarP(&a.configPath, "config", "c", "", "read the configuration from the YAML `FILE`")
	addConfigFlags(root.PersistentFlags(), globalFlags)
	root.AddCommand(a.runCommand(), a.replayCommand(), a.alertsCommand(), a.correlateCommand(), a.allowlistCommand(), a.checkConfigCommand(), a.blockCommand(), a.versionCommand())
	return root
}

// setup loads the configuration for cmd, with its flags, and makes the logger.
func (a *app) setup(cmd *cobra.Command) (Config, *slog.Logger, error) {
	a.flags = cmd.Flags()
	cfg, err := loadConfig(a.configPath, cmd.Flags())
	if err != nil {
		return cfg, nil, err
	}
	return cfg, newLogger(a.stderr, cfg.Log), nil
}

// printError writes err to standard error: configuration problems one per
// line, usage errors with a pointer to the help.
func (a *app) printError(cmd *cobra.Command, err error) {
	var ce *configError
	switch {
	case errors.As(err, &ce):
		for _, p := range ce.problems {
			fmt.Fprintln(a.stderr, p)
		}
	case exitCode(err) == exitUsage:
		fmt.Fprintf(a.stderr, "portsnare: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
	default:
		// Joined errors (several bad files) print one per line, each prefixed.
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintf(a.stderr, "portsnare: %s\n", line)
		}
	}
}
