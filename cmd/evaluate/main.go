// Command evaluate measures detection on a directory of labelled captures.
//
//	go run ./cmd/evaluate DIR
//
// DIR holds captures and a labels.json: a list of {"file", "label", "scanners"}
// where label is "scan", "benign" or "hard-benign" and scanners lists the
// addresses a scan capture must be alerted for. Each capture is replayed on
// its own through the default engine; the table shows, per capture, the
// episodes raised, whether every labelled scanner was flagged (recall) and
// whether anything else was (false positives). The exit status is 1 when a
// scan is missed or a benign capture raises an alert.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor"
)

type label struct {
	File     string   `json:"file"`
	Label    string   `json:"label"`
	Scanners []string `json:"scanners"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: evaluate DIR (a directory with labels.json)")
		os.Exit(2)
	}
	dir := os.Args[1]
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var labels []label
	if err := json.Unmarshal(raw, &labels); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Join(dir, "labels.json"), err)
		os.Exit(2)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "capture\tlabel\tresult\tepisodes (action source technique/order/tool, first contacts at start -> at end, start reason)")
	var scanners, found, benign, noisy int
	for _, l := range labels {
		flagged, eps, err := replay(filepath.Join(dir, l.File))
		if err != nil {
			fmt.Fprintf(tw, "%s\t%s\tERROR\t%v\n", l.File, l.Label, err)
			continue
		}
		result := "quiet"
		switch l.Label {
		case "scan":
			var missed []string
			for _, s := range l.Scanners {
				scanners++
				if flagged[s] {
					found++
				} else {
					missed = append(missed, s)
				}
			}
			extra := 0
			for s := range flagged {
				if !slices.Contains(l.Scanners, s) {
					extra++
				}
			}
			result = "detected"
			if len(missed) > 0 {
				result = "MISSED " + strings.Join(missed, ",")
			}
			if extra > 0 {
				result += fmt.Sprintf(" +%d other sources", extra)
			}
		default:
			benign++
			if len(eps) > 0 {
				noisy++
				result = "FALSE POSITIVE"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.File, l.Label, result, strings.Join(eps, "; "))
	}
	tw.Flush()
	fmt.Printf("\nrecall: %d of %d labelled scanners flagged; benign captures with alerts: %d of %d\n", found, scanners, noisy, benign)
	if found < scanners || noisy > 0 {
		os.Exit(1)
	}
}

// replay returns the sources named by the capture's episodes and a
// description of each episode's end summary.
func replay(path string) (map[string]bool, []string, error) {
	flagged := map[string]bool{}
	starts := map[string]*detect.Alert{}
	var eps []string
	cfg := detect.DefaultConfig()
	_, err := sensor.Replay(context.Background(), sensor.ReplayOptions{
		Files: []string{path}, Engine: cfg,
		Alerts: func(a *detect.Alert) {
			if a.Portsnare.Phase == detect.PhaseStart {
				starts[a.Portsnare.Episode] = a
			}
			if a.Portsnare.Phase != detect.PhaseEnd {
				return
			}
			flagged[a.Source.IP] = true
			for _, s := range a.Portsnare.Scan.Sources {
				flagged[s] = true
			}
			sc := a.Portsnare.Scan
			var first uint32
			reason := "?"
			if st := starts[a.Portsnare.Episode]; st != nil {
				first, reason = st.Portsnare.Scan.Contacts, st.Portsnare.Scan.Reason
			}
			eps = append(eps, fmt.Sprintf("%s %s %s/%s/%s, %d -> %d, %s", a.Event.Action, a.Source.IP,
				sc.Technique, sc.Order, orNone(sc.Tool), first, sc.Contacts, reason))
		},
	})
	sort.Strings(eps)
	return flagged, eps, err
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
