package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/portsnare/portsnare/sensor/publish"
)

func (a *app) alertsCommand() *cobra.Command {
	var (
		follow, suppressed, asJSON bool
		since                      time.Duration
	)
	cmd := &cobra.Command{
		Use:     "alerts [--follow] [--suppressed] [--since DURATION] [--json] [--nats URL]",
		Short:   "Read alerts back from NATS",
		Long:    alertsLong,
		Example: alertsExample,
		Args:    cobra.NoArgs,
		RunE: action(func(cmd *cobra.Command, _ []string) error {
			if err := checkSince(since); err != nil {
				return err
			}
			cfg, _, err := a.setup(cmd)
			if err != nil {
				return err
			}
			out := newAlertPrinter(a.stdout, asJSON || !isTerminal(a.stdout), follow, suppressed)
			err = publish.Read(cmd.Context(), cfg.NATS, publish.ReadOptions{
				Follow:     follow,
				Suppressed: suppressed,
				Since:      since,
			}, out.print)
			if ferr := out.flush(); ferr != nil && err == nil {
				err = ferr
			}
			if err != nil {
				var we writeError
				if errors.As(err, &we) {
					return fmt.Errorf("writing alerts: %w", we.error)
				}
				return err
			}
			if out.count == 0 && !out.json && !follow {
				fmt.Fprintln(a.stderr, "no alerts")
			}
			return nil
		}),
	}
	f := cmd.Flags()
	f.BoolVarP(&follow, "follow", "f", false, "after the stored alerts, print new ones as they come, until interrupted")
	f.BoolVar(&suppressed, "suppressed", false, "also print suppressed alerts (scans an allowlist rule authorizes)")
	f.DurationVar(&since, "since", 0, "only alerts stored in the last `DURATION` (e.g. 30m, 24h); 0 means all")
	f.BoolVar(&asJSON, "json", false, "JSON lines, as stored, even on a terminal")
	addConfigFlags(f, natsFlags)
	return cmd
}

// checkSince refuses a negative --since, for the commands that read back
// from NATS.
func checkSince(since time.Duration) error {
	if since < 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("--since must not be negative, got %s", since)}
	}
	return nil
}
