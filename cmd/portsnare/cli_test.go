package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/internal/testkit"
)

// TestMain clears PORTSNARE_* variables the developer's shell may have set:
// they are configuration, and an unknown one is an error.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, envPrefix) && name != testGateEnv {
			os.Unsetenv(name)
		}
	}
	os.Exit(m.Run())
}

// The loader lets the end-to-end gate through, since CI exports it to the
// sensor too; it must be the variable the tests' gate reads.
func TestGateEnvIsTheTests(t *testing.T) {
	if testGateEnv != testkit.E2EEnv {
		t.Errorf("the loader lets %s through, the tests' gate reads %s", testGateEnv, testkit.E2EEnv)
	}
}

// runCLI runs a command line in-process and returns its exit status and
// what it wrote to standard output and standard error.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIContext(t, context.Background(), args...)
}

func runCLIContext(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"replay", "--no-such-flag", "x.pcap"},
		{"replay", "--vertical-ports", "lots", "x.pcap"},
		{"replay"},
		{"check-config", "extra-argument"},
		{"version", "extra-argument"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, code, exitUsage, stderr)
		}
		if !strings.Contains(stderr, "--help' for usage") {
			t.Errorf("%q: stderr does not point to --help:\n%s", args, stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(stdout, "portsnare ") || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
