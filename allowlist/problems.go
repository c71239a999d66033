package allowlist

import (
	"fmt"
	"strings"
)

// label names rule i in problems: by its name when it has one, since that
// is what the user searches for, else by its position.
func label(i int, r Rule) string {
	if r.Name != "" && r.skip&fieldName == 0 {
		return fmt.Sprintf("rule %q", r.Name)
	}
	return fmt.Sprintf("rules[%d]", i)
}

// labelled prefixes each error with the rule's label, keeping one error per
// problem so that callers can print them one per line.
func labelled(label string, errs []error) []error {
	out := make([]error, 0, len(errs))
	for _, err := range errs {
		for _, e := range split(err) {
			out = append(out, fmt.Errorf("%s: %w", label, e))
		}
	}
	return out
}

// split undoes errors.Join.
func split(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, split(e)...)
		}
		return out
	}
	return []error{err}
}

// FileError is a problem in the rules file at Path. Problems of rules given
// inline are plain errors; a file that cannot be read is the *fs.PathError
// from reading it.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// inFile wraps each of errs as a FileError of path.
func inFile(path string, errs []error) []error {
	out := make([]error, len(errs))
	for i, err := range errs {
		out[i] = &FileError{Path: path, Err: err}
	}
	return out
}

// suggest returns " (did you mean X?)" for the candidate within two edits of
// name: a misspelt field is the common mistake.
func suggest(name string, candidates []string) string {
	best := Nearest(name, candidates)
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// Nearest returns the candidate within two edits of name (typos, not
// guesses), or "" when none is that near. The CLI uses it for misspelt
// configuration keys too.
func Nearest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
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

// joinLines is err's problems on one line, for a log attribute.
func joinLines(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
