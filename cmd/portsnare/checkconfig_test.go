package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheckConfigOK(t *testing.T) {
	path := writeFile(t, "ok.yaml", "detect:\n  vertical_ports: 30\n")
	code, stdout, stderr := runCLI(t, "check-config", "-c", path)
	if code != exitOK || stdout != "configuration OK\n" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestCheckConfigReportsEveryProblem: one run lists the problems of the
// file, the environment and the flags together, one per line.
func TestCheckConfigReportsEveryProblem(t *testing.T) {
	path := writeFile(t, "bad.yaml", `
detect:
  vertical_port: 10
  horizontal_hosts: lots
  idle_timeout: 7200
  shards: 0
  recent_fraction: 1.5
kafka:
  brokers: 127.0.0.1:9092
log:
  level: verbose
`)
	t.Setenv("PORTSNARE_DETECT_PING_HOST", "3")
	t.Setenv("PORTSNARE_DETECT_MAX_SOURCES", "many")
	code, stdout, stderr := runCLI(t, "check-config", "-c", path, "--failed-contacts", "0")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	want := []string{
		"PORTSNARE_DETECT_PING_HOST: unknown environment variable",
		"detect.vertical_port: unknown key in " + path,
		"kafka: unknown section in " + path,
		`detect.max_sources: expected an integer, got "many" (from environment PORTSNARE_DETECT_MAX_SOURCES)`,
		`detect.horizontal_hosts: expected an integer, got "lots" (in ` + path + ")",
		`detect.idle_timeout: expected a duration with a unit`,
		`log.level: expected debug, info, warn or error, got "verbose"`,
		"detect.shards must be positive, got 0 (in " + path + ")",
		"detect.recent_fraction must be between 0 and 1 exclusive, got 1.5",
		"detect.failed_contacts must be positive, got 0 (from flag --failed-contacts)",
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != len(want) {
		t.Errorf("%d lines, want %d, one per problem:\n%s", len(lines), len(want), stderr)
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("no line starts with %q; stderr:\n%s", w, stderr)
		}
	}
}

// TestCheckConfigPrintRoundTrips: what --print shows loads back to the same
// configuration, so it can serve as a file.
func TestCheckConfigPrintRoundTrips(t *testing.T) {
	t.Setenv("PORTSNARE_DETECT_IDLE_TIMEOUT", "30m")
	code, printed, stderr := runCLI(t, "check-config", "--print", "--sensor-name", "edge-1", "--log-format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := load(t, "", "--sensor-name", "edge-1", "--log-format", "json")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTSNARE_DETECT_IDLE_TIMEOUT", "")
	got, err := load(t, printed)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || got.Detect.IdleTimeout.String() != "30m0s" {
		t.Errorf("--print gives\n%+v\nwant\n%+v", got, want)
	}
}

func TestCheckConfigPrintRedactsSecrets(t *testing.T) {
	t.Setenv("PORTSNARE_NATS_URLS", "nats://alice:pa55word@127.0.0.1:4222")
	t.Setenv("PORTSNARE_NATS_TOKEN", "s3cret-t0ken")
	code, stdout, stderr := runCLI(t, "check-config", "--print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "s3cret-t0ken") || !strings.Contains(stdout, `token: "<redacted>"`) ||
		strings.Contains(stdout, "pa55word") {
		t.Errorf("the token is not redacted:\n%s", stdout)
	}
}
