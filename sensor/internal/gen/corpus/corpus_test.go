package corpus

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// committed is where the corpus is kept, from this package's directory.
var committed = filepath.Join("..", "..", "..", "..", "testdata", "corpus", "synthetic")

// maxFile bounds a committed capture's size.
const maxFile = 100 << 10

// TestCommittedCorpus checks that the committed captures and labels are
// exactly what the code writes, so they are known to come from it.
// Regenerate with: go run ./sensor/internal/gen/cmd/corpus
func TestCommittedCorpus(t *testing.T) {
	cases := Cases()
	known := map[string]bool{LabelsFile: true}
	for _, c := range cases {
		known[c.File()] = true
		raw, err := os.ReadFile(filepath.Join(committed, c.File()))
		if err != nil {
			t.Error(err)
			continue
		}
		if len(raw) >= maxFile {
			t.Errorf("%s: %d bytes, over %d", c.File(), len(raw), maxFile)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: %v", c.File(), err)
			continue
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Errorf("%s: %v", c.File(), err)
			continue
		}
		// The gzip wrapping may differ between Go releases; the capture
		// inside may not.
		if !bytes.Equal(got, c.Pcap()) {
			t.Errorf("%s differs from what the code writes: regenerate it", c.File())
		}
	}
	labels, err := os.ReadFile(filepath.Join(committed, LabelsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(labels, Labels(cases)) {
		t.Errorf("%s differs from what the code writes: regenerate it", LabelsFile)
	}
	entries, err := os.ReadDir(committed)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !known[e.Name()] {
			t.Errorf("%s is in the corpus directory but no case writes it", e.Name())
		}
	}
}

// TestDeterministic builds every case twice.
func TestDeterministic(t *testing.T) {
	for _, c := range Cases() {
		if !bytes.Equal(c.Pcap(), c.Pcap()) {
			t.Errorf("%s: two builds differ", c.Name)
		}
	}
}

// TestLabels checks each label against its capture: scan captures name
// scanners that appear in them, benign ones name none.
func TestLabels(t *testing.T) {
	names := map[string]bool{}
	for _, c := range Cases() {
		if names[c.Name] {
			t.Errorf("%s: two cases of that name", c.Name)
		}
		names[c.Name] = true
		if c.Class == "" || c.Description == "" {
			t.Errorf("%s: class and description are required", c.Name)
		}
		switch c.Label {
		case "scan":
			if len(c.Scanners) == 0 {
				t.Errorf("%s: a scan without scanners", c.Name)
			}
		case "benign":
			if len(c.Scanners) != 0 || c.Expect != nil {
				t.Errorf("%s: benign with scanners or expectations", c.Name)
			}
		default:
			t.Errorf("%s: label %q", c.Name, c.Label)
		}
		seen := map[netip.Addr]bool{}
		for _, p := range packets(t, c) {
			seen[p.src], seen[p.dst] = true, true
		}
		for _, s := range c.Scanners {
			a, err := netip.ParseAddr(s)
			if err != nil || !seen[a] {
				t.Errorf("%s: scanner %q is not in the capture", c.Name, s)
			}
		}
	}
}

func TestCaptureOrder(t *testing.T) {
	for _, c := range Cases() {
		ps := packets(t, c)
		if len(ps) == 0 {
			t.Errorf("%s: empty", c.Name)
		}
		if !slices.IsSortedFunc(ps, func(a, b packet) int { return a.at.Compare(b.at) }) {
			t.Errorf("%s: packets out of time order", c.Name)
		}
	}
}
