//go:build linux

package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// TestE2EBlock: a real nmap scan against a target watched by `portsnare
// run` is alerted; `portsnare block`, running in the target's namespace
// with its own drop rule, adds the scanner to the set, the scanner's next
// SYNs are dropped (the rule's counter), and once block.timeout has run
// out the element is gone. An allowlisted scanner's scan is alerted as
// suppressed, read by the blocker, and never blocked.
//
// The sensor taps the target's link (the host side of its veth, on the
// bridge), and its embedded NATS server listens on the bridge's address,
// where the blocker in the target's namespace reaches it.
func TestE2EBlock(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "nft", "timeout")
	b := newBed(t, 83)
	dataDir, spoolDir := t.TempDir(), t.TempDir()
	target, scanner, authorized := b.client(2), b.client(10), b.client(11)
	natsAddr := b.addr(1) + ":" + portOf(t, freeFixedPort(t))
	t.Setenv("PORTSNARE_NATS_DATA_DIR", dataDir)
	t.Setenv("PORTSNARE_NATS_SPOOL_DIR", spoolDir)
	t.Setenv("PORTSNARE_NATS_LISTEN", natsAddr)
	rules := filepath.Join(t.TempDir(), "allowlist.yaml")
	if err := os.WriteFile(rules, []byte(fmt.Sprintf("rules:\n  - name: inventory\n    sources: [%s]\n", b.addr(11))), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTSNARE_ALLOWLIST_FILE", rules)
	sens := startSensor(t, fmt.Sprintf("pv%s%d", b.id, 2))

	// Long enough for the rescan below to finish inside it on a loaded machine.
	const table, timeout = "pse2e", 15 * time.Second
	blockMetrics := b.addr(2) + ":" + portOf(t, freeFixedPort(t))
	bin := testkit.Binary(t, ".")
	cmd := testkit.InNamespace(target, 120*time.Second, bin, "block", "--create-rule", "--timeout", timeout.String(),
		"--listen", blockMetrics, "--nats", "nats://"+natsAddr, "--log-level", "debug")
	cmd.Env = append(cleanEnv(), "PORTSNARE_BLOCK_TABLE="+table, "PORTSNARE_BLOCK_CONSUMER=e2e")
	var blockLog testkit.Buffer
	cmd.Stdout, cmd.Stderr = &blockLog, &blockLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopBlock := sync.OnceValue(func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		return <-exited
	})
	t.Cleanup(func() { _ = stopBlock() })
	blockOut := blockLog.String
	metric := func(sample string) float64 {
		v, err := testkit.Scrape("http://"+blockMetrics, sample)
		if err != nil {
			return -1
		}
		return v
	}
	client := http.Client{Timeout: 2 * time.Second}
	testkit.WaitFor(t, 60*time.Second, "portsnare block's /healthz", func() bool {
		resp, err := client.Get("http://" + blockMetrics + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	nft := func(args ...string) string {
		t.Helper()
		return b.in(target, 10*time.Second, append([]string{"nft"}, args...)...)
	}
	elements := func() string { return nft("list", "set", "inet", table, "blocked4") }
	has := func(addr string) bool {
		return regexp.MustCompile(`\b` + regexp.QuoteMeta(addr) + `\b`).MatchString(elements())
	}
	dropped := func() int {
		m := regexp.MustCompile(`@blocked4 counter packets (\d+)`).FindStringSubmatch(nft("list", "chain", "inet", table, "drop-scanners"))
		if m == nil {
			t.Fatalf("no drop rule with a counter in chain drop-scanners:\n%s", nft("list", "table", "inet", table))
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	scan := func(ns string, args ...string) {
		b.in(ns, 60*time.Second, append([]string{"nmap", "-n", "-sS", "-Pn"}, append(args, b.addr(2))...)...)
	}

	// The authorized scanner: alerted as suppressed, read and skipped.
	scan(authorized, "-p", "1-100")
	if !sens.waitLine(20*time.Second, func(l []byte) bool {
		return strings.Contains(string(l), `"ip":"`+b.addr(11)+`"`) && strings.Contains(string(l), `"suppressed":true`)
	}) {
		t.Fatalf("no suppressed alert for %s:\n%s", b.addr(11), sens.out.String())
	}
	testkit.WaitFor(t, 20*time.Second, "the blocker to skip the suppressed alert", func() bool {
		return metric(`portsnare_block_skipped_total{reason="suppressed"}`) >= 1
	})
	if has(b.addr(11)) {
		t.Fatalf("the allowlisted scanner %s was blocked:\n%s", b.addr(11), elements())
	}

	// The scanner: alerted, then blocked.
	scan(scanner, "-p", "1-100")
	if !sens.waitLine(20*time.Second, func(l []byte) bool {
		return strings.Contains(string(l), `"ip":"`+b.addr(10)+`"`) && strings.Contains(string(l), `"phase":"start"`)
	}) {
		t.Fatalf("no alert for %s:\n%s", b.addr(10), sens.out.String())
	}
	if !testkit.Until(20*time.Second, nil, func() bool { return has(b.addr(10)) }) {
		t.Fatalf("%s is not in the set:\n%s\nportsnare block:\n%s", b.addr(10), elements(), blockOut())
	}
	// Its next SYNs are dropped by the rule: nmap gets no answer to any.
	before := dropped()
	scan(scanner, "-p", "1-20", "--max-retries", "0", "--host-timeout", "5s")
	if got := dropped(); got < before+20 {
		t.Fatalf("the drop rule counted %d packets after 20 more SYNs, had %d before", got, before)
	}
	// The timeout runs out: the kernel removes the element by itself.
	if !testkit.Until(3*timeout, nil, func() bool { return !has(b.addr(10)) }) {
		t.Fatalf("%s is still in the set %s after the timeout:\n%s", b.addr(10), 3*timeout, elements())
	}
	if has(b.addr(11)) {
		t.Fatalf("the allowlisted scanner %s was blocked:\n%s", b.addr(11), elements())
	}
	if n := metric("portsnare_block_blocked_total"); n < 1 {
		t.Fatalf("portsnare_block_blocked_total = %v, want at least 1\n%s", n, blockOut())
	}
	if n := metric("portsnare_block_errors_total"); n != 0 {
		t.Fatalf("portsnare_block_errors_total = %v\n%s", n, blockOut())
	}
	sens.finishLines()
	if err := stopBlock(); err != nil {
		t.Fatalf("portsnare block did not stop cleanly on SIGTERM: %v\n%s", err, blockOut())
	}
}

// portOf is the port of a host:port.
func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, ok := strings.Cut(addr, ":")
	if !ok {
		t.Fatalf("no port in %q", addr)
	}
	return port
}

// cleanEnv is the environment without PORTSNARE_ settings, which the test
// sets for the in-process sensor and a child must not inherit.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envPrefix) || strings.HasPrefix(kv, testGateEnv+"=") {
			env = append(env, kv)
		}
	}
	return env
}
