package confdecode

import "errors"

// Error is one problem: where it is and what is wrong.
type Error struct {
	// Path leads from the value given to Into to the bad one: "" for that
	// value itself, "[2]" for a list item, "schedule.weekly[0]" in a struct.
	Path string
	Err  error
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Under is the problem's text for a value found at key: "key: …" for the
// value itself, "key[0]: …" or "key.field: …" within it.
func (e *Error) Under(key string) string {
	return join(key, e.Path) + ": " + e.Err.Error()
}

// Problems lists the *Error problems in err, as Into returns them joined.
func Problems(err error) []*Error {
	if err == nil {
		return nil
	}
	var out []*Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, Problems(e)...)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return []*Error{{Err: err}}
}

// join puts a field or an index under a path.
func join(path, sub string) string {
	switch {
	case path == "":
		return sub
	case sub == "":
		return path
	case sub[0] == '[':
		return path + sub
	}
	return path + "." + sub
}
