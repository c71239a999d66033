package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// E2EEnv turns on the end-to-end tests. CI sets it, and then a missing
// prerequisite fails the run rather than skipping the test: a CI run
// that skipped them would pass having tested nothing.
const E2EEnv = "PORTSNARE_E2E"

// E2E reports whether the end-to-end tests are on.
func E2E() bool { return os.Getenv(E2EEnv) != "" }

// RequireE2E skips an end-to-end test unless PORTSNARE_E2E is set; then
// it fails the test unless it runs as root with ip, timeout and tools
// installed.
func RequireE2E(t testing.TB, tools ...string) {
	t.Helper()
	tools = append([]string{"ip", "timeout"}, tools...)
	if !E2E() {
		t.Skipf("end-to-end test: set %s=1 (needs root and %s)", E2EEnv, strings.Join(tools, ", "))
	}
	if os.Geteuid() != 0 {
		t.Fatalf("%s is set but the test is not running as root", E2EEnv)
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is set but %s is not installed: %v", E2EEnv, tool, err)
		}
	}
}

// Missing reports a prerequisite a test lacks outside the end-to-end
// gate (a tool, a kernel feature): with PORTSNARE_E2E set the test
// fails, otherwise it is skipped.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if E2E() {
		t.Fatalf("%s is set but %s", E2EEnv, what)
	}
	t.Skip(what)
}
