package main

import (
	"slices"
	"strconv"
)

// classSum totals a class's results.
type classSum struct {
	class              string
	scans, detected    int // scan captures, and those with every scanner named
	benign, alerted    int // benign captures, and those with any alert
	scanners, flagged  int // labelled scanners, and those named
	delays             []int
	mismatches, others int
	errors             int
}

// summarize totals results per class (sorted by name) and over all.
func summarize(rs []result) (classes []classSum, all classSum) {
	byClass := map[string]*classSum{}
	all.class = "all"
	for _, r := range rs {
		cs := byClass[r.Class]
		if cs == nil {
			cs = &classSum{class: r.Class}
			byClass[r.Class] = cs
		}
		cs.add(r)
		all.add(r)
	}
	for _, cs := range byClass {
		classes = append(classes, *cs)
	}
	slices.SortFunc(classes, func(a, b classSum) int {
		if a.class < b.class {
			return -1
		}
		if a.class > b.class {
			return 1
		}
		return 0
	})
	return classes, all
}

func (cs *classSum) add(r result) {
	if r.err != nil {
		cs.errors++
	}
	if !r.isScan() {
		cs.benign++
		if len(r.eps) > 0 {
			cs.alerted++
		}
		return
	}
	cs.scans++
	if r.err == nil && len(r.missed) == 0 {
		cs.detected++
	}
	cs.scanners += len(r.Scanners)
	cs.flagged += len(r.Scanners) - len(r.missed)
	cs.delays = append(cs.delays, r.delays...)
	cs.mismatches += len(r.mismatches)
	cs.others += len(r.others)
}

// ratio is "n/of", or "-" when there is nothing to count.
func ratio(n, of int) string {
	if of == 0 {
		return "-"
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(of)
}

// median and max of the detection delays, "-" when none.
func (cs classSum) delayMedian() string {
	d := slices.Sorted(slices.Values(cs.delays))
	switch n := len(d); {
	case n == 0:
		return "-"
	case n%2 == 1:
		return strconv.Itoa(d[n/2])
	default:
		return strconv.FormatFloat(float64(d[n/2-1]+d[n/2])/2, 'f', -1, 64)
	}
}

func (cs classSum) delayMax() string {
	if len(cs.delays) == 0 {
		return "-"
	}
	return strconv.Itoa(slices.Max(cs.delays))
}
