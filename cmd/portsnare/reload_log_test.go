package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/internal/testkit"
)

// logLines splits what a log wrote into its lines.
func logLines(text string) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

func countContaining(lines []string, text string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, text) {
			n++
		}
	}
	return n
}

// TestReloadLogsOnce: an edit of the allowlist file that the watcher
// rejected was logged again, problems and all, by the SIGHUP that
// followed; and a SIGHUP's allowlist outcome was logged by the allowlist
// and again by run. Each is now said once.
func TestReloadLogsOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "allow.yaml")
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("rules:\n  - name: lab\n    sources: [198.18.0.1]\n")
	path := writeFile(t, "portsnare.yaml", "allowlist:\n  file: "+file+"\n  rules:\n    - name: inline\n      sources: [198.18.0.9]\n")
	a := &app{configPath: path, flags: pflag.NewFlagSet("run", pflag.ContinueOnError)}
	var logs testkit.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	cfg, err := loadConfig(path, a.flags)
	if err != nil {
		t.Fatal(err)
	}
	allow, err := allowlist.New(cfg.Allowlist, allowlist.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- allow.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	// A successful SIGHUP: one line about the allowlist.
	logs.Take() // what the start logged
	a.reload(allow, nil, log)
	if got := logLines(logs.Take()); countContaining(got, "reloaded") != 1 {
		t.Errorf("a successful reload logged %d lines saying so, want 1:\n%s", countContaining(got, "reloaded"), strings.Join(got, "\n"))
	}

	// A bad edit, seen by the watcher, then a SIGHUP.
	write("rules:\n  - name: lab\n    sources: [not-an-address]\n")
	testkit.WaitFor(t, 10*time.Second, "the watcher to reject the edit", func() bool { return allow.Stats().ReloadFailures > 0 })
	a.reload(allow, nil, log)
	got := logLines(logs.Take())
	if n := countContaining(got, "not-an-address"); n != 1 {
		t.Errorf("the rejected edit's problem was logged %d times, want once:\n%s", n, strings.Join(got, "\n"))
	}
	if n := countContaining(got, "SIGHUP: configuration rejected"); n != 1 {
		t.Errorf("the SIGHUP's rejection was logged %d times, want once:\n%s", n, strings.Join(got, "\n"))
	}

	// A SIGHUP whose own problem nothing has logged yet still says it.
	if err := os.WriteFile(path, []byte("allowlist:\n  file: "+file+"\ndetect:\n  vertical_ports: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a.reload(allow, nil, log)
	if got := logLines(logs.Take()); countContaining(got, "detect.vertical_ports") != 1 {
		t.Errorf("a rejected configuration's problems are not logged:\n%s", strings.Join(got, "\n"))
	}
}
