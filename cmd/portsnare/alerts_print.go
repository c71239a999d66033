package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor/publish"
)

// alertPrinter writes alerts read back from NATS: the stored JSON, one
// object per line, for pipes and files (jq, a SIEM's file input), or a
// table for a person at a terminal.
type alertPrinter struct {
	w          *bufio.Writer
	json       bool
	follow     bool // flush each alert as it comes
	suppressed bool // suppressed alerts are shown, so mark them
	count      int
}

// writeError marks a failure to write the output, as opposed to reading.
type writeError struct{ error }

func newAlertPrinter(w io.Writer, asJSON, follow, suppressed bool) *alertPrinter {
	return &alertPrinter{w: bufio.NewWriterSize(w, 64<<10), json: asJSON, follow: follow, suppressed: suppressed}
}

// tableFormat aligns the columns of common alerts; a longer value (an IPv6
// address) shifts its row rather than being cut.
const tableFormat = "%-19s  %-20s  %-6s  %-15s  %-15s  %-9s  %s\n"

func (p *alertPrinter) print(m publish.Message) error {
	var err error
	if p.json {
		_, err = p.w.Write(append(m.Data, '\n'))
	} else {
		err = p.row(m)
	}
	if err != nil {
		return writeError{err}
	}
	p.count++
	if p.follow {
		if err := p.w.Flush(); err != nil {
			return writeError{err}
		}
	}
	return nil
}

func (p *alertPrinter) row(m publish.Message) error {
	if p.count == 0 {
		if _, err := fmt.Fprintf(p.w, tableFormat, "TIME", "ACTION", "PHASE", "SOURCE", "DESTINATION", "TECHNIQUE", "MESSAGE"); err != nil {
			return err
		}
	}
	// ECS or OCSF, whichever output.format the sensor used.
	a, _, err := render.Decode(m.Data)
	if err != nil {
		// Not ours (another publisher on the subjects): show what there is.
		_, err := fmt.Fprintf(p.w, tableFormat, m.Stored.Local().Format(time.DateTime), "?", "", "", "", "", "undecodable message on "+m.Subject)
		return err
	}
	dst := "-"
	if a.Destination != nil && a.Destination.IP != "" {
		dst = a.Destination.IP
	}
	msg := a.Message
	if a.Portsnare.Suppressed && p.suppressed {
		rule := ""
		if a.Portsnare.Allowlist != nil {
			rule = " by " + a.Portsnare.Allowlist.Rule
		}
		msg = "[suppressed" + rule + "] " + msg
	}
	_, err = fmt.Fprintf(p.w, tableFormat, a.Timestamp.Local().Format(time.DateTime), dash(string(a.Event.Action)), dash(string(a.Portsnare.Phase)),
		dash(a.Source.IP), dst, dash(a.Portsnare.Scan.Technique), strings.ReplaceAll(msg, "\n", " "))
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (p *alertPrinter) flush() error {
	if err := p.w.Flush(); err != nil {
		return writeError{err}
	}
	return nil
}
