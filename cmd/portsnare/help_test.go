package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestRootHelpMentionsEveryCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	root := (&app{}).rootCommand()
	for _, c := range root.Commands() {
		if !strings.Contains(stdout, "\n  "+c.Name()+" ") {
			t.Errorf("root help does not list command %q", c.Name())
		}
	}
	for _, want := range []string{"ENVIRONMENT", "EXIT STATUS", "CONFIGURATION", "--config"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("root help lacks %q", want)
		}
	}
	for _, s := range settings {
		if !strings.Contains(stdout, envName(s.key)) {
			t.Errorf("root help's ENVIRONMENT lacks %s", envName(s.key))
		}
	}
}

// TestEveryCommandDocumented holds portsnare's own commands to the man-page
// standard: a description, examples, and the exit status.
func TestEveryCommandDocumented(t *testing.T) {
	root := (&app{}).rootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.Name() == "completion" || c.HasParent() && c.Parent().Name() == "completion" {
			return // cobra's own
		}
		if c.Short == "" || c.Long == "" || c.Example == "" {
			t.Errorf("%s: Short, Long and Example must all be set", c.CommandPath())
		}
		if !strings.Contains(c.Long, "EXIT STATUS") {
			t.Errorf("%s: Long does not give the exit status", c.CommandPath())
		}
		code, stdout, _ := runCLI(t, append(strings.Fields(c.CommandPath())[1:], "--help")...)
		if code != exitOK || !strings.Contains(stdout, c.Long[:40]) {
			t.Errorf("%s --help: exit %d, output lacks the description", c.CommandPath(), code)
		}
	}
	walk(root)
}
