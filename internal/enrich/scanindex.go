package enrich

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// scannerIndex answers which lists hold an address: for each prefix
// length present, a map from the masked prefix to the names of the lists
// holding it. A lookup masks the address once per length — at most 33 or
// 129 map probes, in practice a handful — and allocates nothing unless the
// address is on lists whose name sets must be merged.
type scannerIndex struct {
	v4, v6 lengthTable
	sets   [][]string // sorted unique list names; an entry's value indexes it
	lists  int        // distinct list names
	nets   int        // distinct networks
}

// lengthTable holds the prefixes of one family.
type lengthTable struct {
	bits []int // the lengths present, longest first
	m    map[netip.Prefix]uint32
}

// loadScannerLists reads and indexes every file, reporting the problems of
// all of them.
func loadScannerLists(paths []string) (*scannerIndex, error) {
	var all []listEntry
	var errs []error
	for i, path := range paths {
		data, err := readBounded(path, MaxListBytes, "a scanner list")
		if err != nil {
			errs = append(errs, fmt.Errorf("[%d]: %w", i, err))
			continue
		}
		entries, err := parseScannerList(path, data)
		if err != nil {
			errs = append(errs, fmt.Errorf("[%d]: %w", i, err))
			continue
		}
		all = append(all, entries...)
		if len(all) > MaxListEntries {
			return nil, fmt.Errorf("[%d]: %s: the lists hold more than %d networks in all", i, path, MaxListEntries)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return buildIndex(all), nil
}

func buildIndex(entries []listEntry) *scannerIndex {
	// The names of each network, over every line and file that lists it.
	byNet := map[netip.Prefix][]string{}
	listNames := map[string]bool{}
	for _, e := range entries {
		if !slices.Contains(byNet[e.net], e.name) {
			byNet[e.net] = append(byNet[e.net], e.name)
		}
		listNames[e.name] = true
	}
	ix := &scannerIndex{lists: len(listNames), nets: len(byNet)}
	ix.v4.m = map[netip.Prefix]uint32{}
	ix.v6.m = map[netip.Prefix]uint32{}
	setID := map[string]uint32{} // interned: most networks share a set
	for p, ns := range byNet {
		slices.Sort(ns)
		k := strings.Join(ns, "\x00")
		id, ok := setID[k]
		if !ok {
			id = uint32(len(ix.sets))
			setID[k] = id
			ix.sets = append(ix.sets, slices.Clip(ns))
		}
		t := &ix.v6
		if p.Addr().Is4() {
			t = &ix.v4
		}
		t.m[p] = id
		if !slices.Contains(t.bits, p.Bits()) {
			t.bits = append(t.bits, p.Bits())
		}
	}
	for _, t := range []*lengthTable{&ix.v4, &ix.v6} {
		slices.Sort(t.bits)
		slices.Reverse(t.bits)
	}
	return ix
}

// lookup returns the sorted names of the lists holding a, nil when none.
// The slice may be shared: callers must not modify it.
func (ix *scannerIndex) lookup(a netip.Addr) []string {
	a = a.Unmap()
	t := &ix.v6
	if a.Is4() {
		t = &ix.v4
	}
	var found []string
	for _, b := range t.bits {
		p, err := a.Prefix(b)
		if err != nil {
			continue
		}
		id, ok := t.m[p]
		if !ok {
			continue
		}
		found = mergeNames(found, ix.sets[id])
	}
	return found
}

// mergeNames is the sorted union of two sorted name sets. It returns one
// of them unchanged when it holds the other, so the common case — one
// matching network — allocates nothing.
func mergeNames(a, b []string) []string {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	case subset(b, a):
		return a
	case subset(a, b):
		return b
	}
	out := make([]string, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// subset reports whether every name of small is in big; both are sorted.
func subset(small, big []string) bool {
	for _, s := range small {
		if _, ok := slices.BinarySearch(big, s); !ok {
			return false
		}
	}
	return true
}
