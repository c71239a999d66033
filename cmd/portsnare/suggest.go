package main

import (
	"strings"

	"github.com/portsnare/portsnare/internal/confdecode"
)

// suggest returns " (did you mean X?)" for the candidate nearest to name, or
// nothing when none is near: a misspelt key is the common mistake, and a
// right key in the wrong section the next one.
func suggest(name string, candidates []string) string {
	best := confdecode.Nearest(name, candidates)
	if best == "" && strings.Contains(name, ".") {
		last := name[strings.LastIndex(name, ".")+1:]
		for _, c := range candidates {
			if strings.HasSuffix(c, "."+last) {
				best = c
				break
			}
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}
