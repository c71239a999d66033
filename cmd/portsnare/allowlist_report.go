package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

// allowlistCommand groups the commands about authorized scanners.
func (a *app) allowlistCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "allowlist",
		Short:   "Verify the authorized scans of the allowlist",
		Long:    allowlistLong,
		Example: allowlistExample,
		Args:    cobra.NoArgs,
	}
	cmd.AddCommand(a.allowlistReportCommand())
	return cmd
}

func (a *app) allowlistReportCommand() *cobra.Command {
	var (
		asJSON bool
		since  time.Duration
	)
	cmd := &cobra.Command{
		Use:     "report [--since DURATION] [--json] [--nats URL]",
		Short:   "Read the allowlist rules' coverage reports back from NATS",
		Long:    allowlistReportLong,
		Example: allowlistReportExample,
		Args:    cobra.NoArgs,
		RunE: action(func(cmd *cobra.Command, _ []string) error {
			if err := checkSince(since); err != nil {
				return err
			}
			cfg, _, err := a.setup(cmd)
			if err != nil {
				return err
			}
			jsonOut := asJSON || !isTerminal(a.stdout)
			var reports []publish.Message
			err = publish.Read(cmd.Context(), cfg.NATS, publish.ReadOptions{Audit: true, Since: since}, func(m publish.Message) error {
				if jsonOut {
					if _, err := a.stdout.Write(append(m.Data, '\n')); err != nil {
						return writeError{err}
					}
					return nil
				}
				reports = append(reports, m)
				return nil
			})
			if err == nil && !jsonOut {
				err = printCoverage(a.stdout, reports)
			}
			var we writeError
			if errors.As(err, &we) {
				return fmt.Errorf("writing the reports: %w", we.error)
			}
			if err == nil && !jsonOut && len(reports) == 0 {
				fmt.Fprintln(a.stderr, "no coverage reports")
			}
			return err
		}),
	}
	f := cmd.Flags()
	f.DurationVar(&since, "since", 0, "only reports stored in the last `DURATION` (e.g. 24h, 168h); 0 means all")
	f.BoolVar(&asJSON, "json", false, "JSON lines, as stored, even on a terminal")
	addConfigFlags(f, natsFlags)
	return cmd
}

// printCoverage writes the reports as a table per rule, rules by name,
// windows oldest first.
func printCoverage(w io.Writer, msgs []publish.Message) error {
	byRule := map[string][]*detect.AuditData{}
	var undecodable int
	for _, m := range msgs {
		a, _, err := render.Decode(m.Data) // ECS or OCSF
		if err != nil || a.Portsnare.Audit == nil {
			undecodable++ // not ours: another publisher on the subjects
			continue
		}
		d := a.Portsnare.Audit
		byRule[d.Rule] = append(byRule[d.Rule], d)
	}
	rules := make([]string, 0, len(byRule))
	for r := range byRule {
		rules = append(rules, r)
	}
	slices.Sort(rules)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, rule := range rules {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "RULE %s\n", rule)
		fmt.Fprintln(tw, "WINDOW\tRESULT\tCOVERAGE\tHOSTS\tPORTS\tSOURCES\tOUT OF SCOPE")
		ds := byRule[rule]
		slices.SortStableFunc(ds, func(a, b *detect.AuditData) int { return a.WindowStart.Compare(b.WindowStart) })
		for _, d := range ds {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\n", windowCell(d), resultCell(d), coverageCell(d),
				d.Hosts, d.Ports, sourcesCell(d), d.OutOfScope+d.OutsideWindow)
		}
	}
	if undecodable > 0 {
		fmt.Fprintf(tw, "\n%d messages on the audit subjects were not coverage reports\n", undecodable)
	}
	if err := tw.Flush(); err != nil {
		return writeError{err}
	}
	return nil
}

// windowCell shows the window in local time: "2026-11-03 02:00 - 05:00",
// with the end's date when it is another day.
func windowCell(d *detect.AuditData) string {
	s, e := d.WindowStart.Local(), d.WindowEnd.Local()
	end := e.Format("15:04")
	if s.YearDay() != e.YearDay() || s.Year() != e.Year() {
		end = e.Format("2006-01-02 15:04")
	}
	return s.Format("2006-01-02 15:04") + " - " + end
}

func resultCell(d *detect.AuditData) string {
	switch {
	case d.Open:
		return string(d.Result) + " (open)"
	case d.Partial:
		return string(d.Result) + " (partial)"
	}
	return string(d.Result)
}

func coverageCell(d *detect.AuditData) string {
	c := d.Coverage
	if c == nil {
		return "-"
	}
	approx := ""
	if !c.Exact {
		approx = "~"
	}
	return fmt.Sprintf("%s%.1f%% (%d/%d)", approx, c.Percent, c.Reached, c.Targets)
}

func sourcesCell(d *detect.AuditData) string {
	if len(d.Sources) == 0 {
		return "-"
	}
	shown := d.Sources[:min(len(d.Sources), 3)]
	s := strings.Join(shown, ",")
	if more := int(d.SourcesSeen) - len(shown); more > 0 {
		s += fmt.Sprintf(" +%d", more)
	}
	if d.SourcesMore { // more than the sensor told apart
		s += " and more"
	}
	return s
}
