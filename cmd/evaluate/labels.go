package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// label is one entry of a directory's labels.json. The shared captures'
// format has file, label and scanners; the project's corpus adds class and
// expect (and a description, which evaluate does not need).
type label struct {
	File     string   `json:"file"`
	Class    string   `json:"class"`
	Label    string   `json:"label"`
	Scanners []string `json:"scanners"`
	Expect   *expect  `json:"expect"`
}

// expect is what the alert for each scanner should report; empty fields
// are not checked.
type expect struct {
	Action    string `json:"action"`
	Technique string `json:"technique"`
	Tool      string `json:"tool"`
}

// capture is a labelled capture file.
type capture struct {
	label
	// name is how the capture is shown: the directory's base name and the
	// file.
	name string
	path string
}

// isScan tells a scan capture from a benign one ("benign", "hard-benign").
func (c capture) isScan() bool { return c.Label == "scan" }

// loadDir reads dir/labels.json. A label without a class takes the
// directory's name as its class. Every problem is reported at once.
func loadDir(dir string) ([]capture, error) {
	file := filepath.Join(dir, "labels.json")
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var labels []label
	if err := json.Unmarshal(raw, &labels); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	base := filepath.Base(filepath.Clean(dir))
	var caps []capture
	var errs []error
	seen := map[string]bool{}
	for i, l := range labels {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: entry %d (%q): %s", file, i, l.File, fmt.Sprintf(format, args...)))
		}
		switch {
		case l.File == "" || strings.ContainsAny(l.File, `/\`):
			bad("file must be a name in the directory")
		case seen[l.File]:
			bad("listed twice")
		}
		seen[l.File] = true
		switch l.Label {
		case "scan":
			if len(l.Scanners) == 0 {
				bad("a scan needs its scanners")
			}
		case "benign", "hard-benign":
			if len(l.Scanners) > 0 || l.Expect != nil {
				bad("a benign capture has no scanners or expectations")
			}
		default:
			bad("label %q is not scan, benign or hard-benign", l.Label)
		}
		for i, s := range l.Scanners {
			a, err := netip.ParseAddr(s)
			if err != nil {
				bad("scanner %q is not an address", s)
				continue
			}
			// Alerts print addresses canonically; labels may not (2001:db8::0f93).
			l.Scanners[i] = a.String()
		}
		if l.Class == "" {
			l.Class = base
		}
		caps = append(caps, capture{label: l, name: base + "/" + l.File, path: filepath.Join(dir, l.File)})
	}
	slices.SortFunc(caps, func(a, b capture) int { return strings.Compare(a.File, b.File) })
	return caps, errors.Join(errs...)
}
