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

// joinLines is err's problems on one line, for a log attribute.
func joinLines(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
