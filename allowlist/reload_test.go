package allowlist

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// fileRule is a rules file with one rule covering 10.0.0.1.
func fileRule(name string) string {
	return "rules:\n  - name: " + name + "\n    sources: [10.0.0.1]\n"
}

// watched writes a rules file, loads it and runs the watcher until the
// test ends. The poll is fast so that the tests are.
func watched(t *testing.T, content string) (l *List, path string, log *testkit.Buffer) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "conf", "allowlist.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, path, content)
	log = &testkit.Buffer{}
	l, err := New(Config{File: path}, Options{
		Logger: slog.New(slog.NewTextHandler(log, nil)),
		Poll:   50 * time.Millisecond, Debounce: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return l, path, log
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeRenamed replaces path the way editors do: a new file renamed over it.
func writeRenamed(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	write(t, tmp, content)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// ruleFor is the rule covering 10.0.0.1 now.
func ruleFor(l *List) string {
	r, _ := l.Authorize(tcp("10.0.0.1", 80))
	return r
}

func TestReloadOnEdit(t *testing.T) {
	l, path, log := watched(t, fileRule("one"))
	if got := ruleFor(l); got != "one" {
		t.Fatalf("initial rule %q", got)
	}
	write(t, path, fileRule("two"))
	testkit.WaitFor(t, 5*time.Second, "an in-place edit is loaded", func() bool { return ruleFor(l) == "two" })

	// An invalid edit: rejected, counted and logged; the rules in force stay.
	write(t, path, "rules:\n  - name: three\n    sources: [10.0.0.300]\n")
	// A loaded machine may also catch the write half done, counted too.
	testkit.WaitFor(t, 5*time.Second, "the bad edit is counted", func() bool { return strings.Contains(l.Stats().LastError, "10.0.0.300") })
	if got := ruleFor(l); got != "two" {
		t.Errorf("after a bad edit the rule is %q, want two still", got)
	}
	s := l.Stats()
	if !strings.Contains(s.LastError, `: rule "three": sources[0]: "10.0.0.300" is not an IP or CIDR`) || s.LastFailure.IsZero() {
		t.Errorf("stats %+v", s)
	}
	if !strings.Contains(log.String(), "allowlist reload rejected") || !strings.Contains(log.String(), "10.0.0.300") {
		t.Errorf("log:\n%s", log)
	}

	// The editor's way: a new file renamed over the old.
	writeRenamed(t, path, fileRule("four"))
	testkit.WaitFor(t, 5*time.Second, "a renamed-in file is loaded", func() bool { return ruleFor(l) == "four" })
	if s := l.Stats(); s.Reloads < 2 || s.ReloadFailures < 1 || s.Rules != 1 {
		t.Errorf("stats %+v, want 2 reloads and a failure", s)
	}
}

// TestReloadDeleteAndRecreate: a file deleted and created again is loaded;
// while it is missing the rules in force stay.
func TestReloadDeleteAndRecreate(t *testing.T) {
	l, path, _ := watched(t, fileRule("one"))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 5*time.Second, "the missing file is counted", func() bool { return l.Stats().ReloadFailures == 1 })
	if got := ruleFor(l); got != "one" {
		t.Errorf("while missing the rule is %q, want one", got)
	}
	write(t, path, fileRule("two"))
	testkit.WaitFor(t, 5*time.Second, "the recreated file is loaded", func() bool { return ruleFor(l) == "two" })
}

// TestReloadDirectoryReplaced: the watched directory itself is renamed away
// and a new one holds the file, which file events on the old directory
// never report; the poll finds it, and later edits are still seen.
func TestReloadDirectoryReplaced(t *testing.T) {
	l, path, _ := watched(t, fileRule("one"))
	dir := filepath.Dir(path)
	if err := os.Rename(dir, dir+".old"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, path, fileRule("two"))
	testkit.WaitFor(t, 5*time.Second, "the file in the new directory is loaded", func() bool { return ruleFor(l) == "two" })
	write(t, path, fileRule("three-longer"))
	testkit.WaitFor(t, 5*time.Second, "a later edit is loaded", func() bool { return ruleFor(l) == "three-longer" })
}

// TestTouchIsNoReload: a change of modification time alone reloads
// nothing, so the counter counts real changes.
func TestTouchIsNoReload(t *testing.T) {
	l, path, _ := watched(t, fileRule("one"))
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	// Waiting for nothing to happen: several polls and debounces. The
	// watcher reads the file system (inotify, stat), which a synctest
	// bubble cannot fake, so this is real time.
	time.Sleep(300 * time.Millisecond)
	if s := l.Stats(); s.Reloads != 0 || s.ReloadFailures != 0 {
		t.Errorf("stats %+v after a touch", s)
	}
	// The watcher was watching all along: a real edit is loaded, and
	// counted once.
	write(t, path, fileRule("two"))
	testkit.WaitFor(t, 5*time.Second, "an edit after the touch is loaded", func() bool { return ruleFor(l) == "two" })
	if s := l.Stats(); s.Reloads != 1 {
		t.Errorf("stats %+v after a touch and an edit; want one reload", s)
	}
}

// TestReloadAndUpdate: what the run command does on SIGHUP.
func TestReloadAndUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allowlist.yaml")
	write(t, path, fileRule("one"))
	inline := []Rule{{Name: "inline", Sources: []string{"10.0.0.2"}}}
	l, err := New(Config{File: path, Rules: inline}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, fileRule("two"))
	if err := l.Reload(); err != nil || ruleFor(l) != "two" {
		t.Fatalf("Reload: %v, rule %q", err, ruleFor(l))
	}
	write(t, path, "rules: [{name: bad}]\n")
	if err := l.Reload(); err == nil || !strings.Contains(err.Error(), `rule "bad": sources: at least one`) {
		t.Errorf("Reload of a bad file: %v", err)
	}
	if ruleFor(l) != "two" || l.Stats().ReloadFailures != 1 {
		t.Errorf("after a rejected reload: rule %q, stats %+v", ruleFor(l), l.Stats())
	}
	write(t, path, fileRule("three"))
	// A duplicate name across inline and file rejects both.
	if err := l.Update([]Rule{{Name: "three", Sources: []string{"10.0.0.3"}}}); err == nil {
		t.Error("Update with a duplicate name: no error")
	}
	if ruleFor(l) != "two" {
		t.Errorf("after a rejected update the rule is %q", ruleFor(l))
	}
	if err := l.Update([]Rule{{Name: "new-inline", Sources: []string{"10.0.0.1"}}}); err != nil {
		t.Fatal(err)
	}
	// Inline rules come first in order.
	if got := ruleFor(l); got != "new-inline" {
		t.Errorf("after Update the rule is %q", got)
	}
	if s := l.Stats(); s.Reloads != 2 || s.ReloadFailures != 2 || s.Rules != 2 || s.LastReload.IsZero() {
		t.Errorf("stats %+v", s)
	}
}

// TestNewRejectsInvalid: nothing is in force to keep at start, so an
// invalid allowlist is an error.
func TestNewRejectsInvalid(t *testing.T) {
	if _, err := New(Config{Rules: []Rule{{Name: "x"}}}, Options{}); err == nil {
		t.Error("no error")
	}
	if _, err := New(Config{File: filepath.Join(t.TempDir(), "missing.yaml")}, Options{}); err == nil {
		t.Error("missing file: no error")
	}
}

// TestRunWithoutFile returns at once: nothing to watch.
func TestRunWithoutFile(t *testing.T) {
	l := mustList(t, "rules: []\n")
	if err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}
