// Command evaluate measures detection on directories of labelled captures.
//
//	go run ./cmd/evaluate [-markdown] DIR...
//
// Each DIR holds captures and a labels.json: a list of {"file", "label",
// "scanners"} where label is "scan", "benign" or "hard-benign" and scanners
// lists the addresses a scan capture must be alerted for. The project's
// corpus (testdata/corpus/*) adds "class", the failure class a capture
// exercises, and "expect", the action, technique and tool its alert should
// report; a capture without a class is counted under its directory's name.
//
// Each capture is replayed on its own through the default engine. The
// per-capture table shows the episodes raised, whether every labelled
// scanner was named (recall), sources named besides them, and the delay:
// how many first contacts (portsnare.scan.contacts) each scanner had made
// by its start alert. The per-class table counts scan captures with every
// scanner named, benign captures with any alert, the median and largest
// delay, expectations not met and other sources named. -markdown prints
// only the per-class table, as Markdown for the README.
//
// The exit status is 1 when a scanner is missed, a benign capture raises an
// alert or a capture cannot be replayed; 2 when the labels cannot be read.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, replayEngine))
}

// run is the command; replay replays one capture.
func run(args []string, stdout, stderr io.Writer, replay replayer) int {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	markdown := fs.Bool("markdown", false, "print only the per-class table, as Markdown")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: evaluate [-markdown] DIR... (directories with labels.json)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var caps []capture
	var errs []error
	for _, dir := range fs.Args() {
		cs, err := loadDir(dir)
		caps = append(caps, cs...)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	rs := make([]result, 0, len(caps))
	failed := false
	for _, c := range caps {
		eps, err := replay(c.path)
		r := score(c, eps, err)
		failed = failed || r.failed()
		rs = append(rs, r)
	}
	classes, all := summarize(rs)
	if *markdown {
		writeMarkdown(stdout, classes, all)
	} else {
		writeCaptures(stdout, rs)
		fmt.Fprintln(stdout)
		writeClasses(stdout, classes, all)
	}
	if failed {
		return 1
	}
	return 0
}
