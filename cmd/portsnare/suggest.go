package main

import "strings"

// suggest returns " (did you mean X?)" for the candidate nearest to name, or
// nothing when none is near: a misspelt key is the common mistake, and a
// right key in the wrong section the next one.
func suggest(name string, candidates []string) string {
	best, bestDist := "", 3 // at most two edits: typos, not guesses
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
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

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
