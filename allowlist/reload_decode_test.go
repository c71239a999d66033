package allowlist

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReloadRejectsMisshapenEdit: an edit the decoder refuses (a misspelt
// field, a mapping for a list) is rejected with every reason, naming the
// rule, and the rules in force stay.
func TestReloadRejectsMisshapenEdit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allowlist.yaml")
	write(t, path, fileRule("one"))
	l, err := New(Config{File: path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, "rules:\n  - name: two\n    sources: [10.0.0.1]\n    prots: [tcp/22]\n  - name: three\n    sources: {a: 10.0.0.2}\n")
	err = l.Reload()
	for _, want := range []string{
		path + `: rule "two": unknown field "prots" (did you mean ports?)`,
		path + `: rule "three": sources: expected a list of strings, got a mapping`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Reload() = %v, want a problem %q", err, want)
		}
	}
	if got := ruleFor(l); got != "one" {
		t.Errorf("after a rejected edit the rule is %q, want one still", got)
	}
	if s := l.Stats(); !strings.Contains(s.LastError, `unknown field "prots"`) {
		t.Errorf("stats %+v", s)
	}
}
