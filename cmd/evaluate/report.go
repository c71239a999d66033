package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// classColumns head the per-class table.
var classColumns = []string{"class", "scans detected", "benign alerted", "delay median", "delay max",
	"expectation mismatches", "other sources named"}

func (cs classSum) row() []string {
	return []string{cs.class, ratio(cs.detected, cs.scans), ratio(cs.alerted, cs.benign),
		cs.delayMedian(), cs.delayMax(), strconv.Itoa(cs.mismatches), strconv.Itoa(cs.others)}
}

// writeCaptures prints the per-capture table.
func writeCaptures(w io.Writer, rs []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "capture\tclass\tlabel\tresult\tdelay\tepisodes (action source technique/order/tool, first contacts at start -> at end, start reason)")
	for _, r := range rs {
		delays := make([]string, len(r.delays))
		for i, d := range r.delays {
			delays[i] = strconv.Itoa(d)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.name, r.Class, r.Label, r.verdict(),
			orNone(strings.Join(delays, ",")), r.describe())
	}
	tw.Flush()
}

// writeClasses prints the per-class table and the totals.
func writeClasses(w io.Writer, classes []classSum, all classSum) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(classColumns, "\t"))
	for _, cs := range append(classes, all) {
		fmt.Fprintln(tw, strings.Join(cs.row(), "\t"))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nrecall: %d of %d labelled scanners flagged; benign captures with alerts: %d of %d",
		all.flagged, all.scanners, all.alerted, all.benign)
	if all.errors > 0 {
		fmt.Fprintf(w, "; captures that failed to replay: %d", all.errors)
	}
	fmt.Fprintln(w)
}

// writeMarkdown prints the per-class table as Markdown, totals last.
func writeMarkdown(w io.Writer, classes []classSum, all classSum) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(classColumns, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(classColumns)))
	for _, cs := range classes {
		fmt.Fprintf(w, "| %s |\n", strings.Join(cs.row(), " | "))
	}
	row := all.row()
	for i := range row {
		row[i] = "**" + row[i] + "**"
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
}
