package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// The end-to-end tests run real scanners against the live sensor. They need
// root, network namespaces and Debian's nmap, masscan and zmap. They run
// when PORTSNARE_E2E is set (CI sets it), and then a missing prerequisite
// fails the run rather than skipping it.
func requireE2E(t *testing.T, tools ...string) {
	t.Helper()
	if os.Getenv("PORTSNARE_E2E") == "" {
		t.Skip("end-to-end test: set PORTSNARE_E2E=1 (needs root, ip netns, nmap, masscan, zmap)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("PORTSNARE_E2E is set but the test is not running as root")
	}
	for _, tool := range append([]string{"ip"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("PORTSNARE_E2E is set but %s is not installed: %v", tool, err)
		}
	}
}

// bed is a test network: a bridge in the test's own namespace that owns the
// target addresses (the sensor's host), and one namespace per client, each
// with its own address on the bridge's subnet. Addresses come from
// 198.18.0.0/15 (RFC 2544), never routed.
type bed struct {
	t      *testing.T
	id     string
	bridge string
	net    string // first three octets, "198.18.N"
	nss    []string
}

func newBed(t *testing.T, third int) *bed {
	t.Helper()
	var b [3]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	bd := &bed{t: t, id: id, bridge: "psbr" + id, net: fmt.Sprintf("198.18.%d", third)}
	t.Cleanup(bd.cleanup)
	bd.sh("ip", "link", "add", bd.bridge, "type", "bridge")
	bd.sh("ip", "addr", "add", bd.net+".1/24", "dev", bd.bridge)
	bd.sh("ip", "link", "set", bd.bridge, "up")
	return bd
}

// addTargets gives the sensor's host the addresses .first to .last.
func (b *bed) addTargets(first, last int) {
	for i := first; i <= last; i++ {
		b.sh("ip", "addr", "add", fmt.Sprintf("%s.%d/32", b.net, i), "dev", b.bridge)
	}
}

// client makes a namespace with address .host on the bridge and returns
// its name.
func (b *bed) client(host int) string {
	ns := fmt.Sprintf("ps%s-%d", b.id, host)
	veth := fmt.Sprintf("pv%s%d", b.id, host)
	b.sh("ip", "netns", "add", ns)
	b.nss = append(b.nss, ns)
	b.sh("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
	b.sh("ip", "link", "set", veth, "master", b.bridge, "up")
	b.sh("ip", "-n", ns, "addr", "add", fmt.Sprintf("%s.%d/24", b.net, host), "dev", "eth0")
	b.sh("ip", "-n", ns, "link", "set", "eth0", "up")
	b.sh("ip", "-n", ns, "link", "set", "lo", "up")
	return ns
}

func (b *bed) addr(host int) string { return fmt.Sprintf("%s.%d", b.net, host) }

// mac returns the bridge's hardware address (the "router" for masscan and
// zmap, which build their own Ethernet frames).
func (b *bed) mac() string {
	m, err := os.ReadFile("/sys/class/net/" + b.bridge + "/address")
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimSpace(string(m))
}

// in runs a command in namespace ns with a time limit; scanners that hang
// after finishing (masscan) are stopped by the limit, which is not an error.
func (b *bed) in(ns string, limit time.Duration, args ...string) string {
	b.t.Helper()
	full := append([]string{"--kill-after=5", fmt.Sprint(int(limit.Seconds())), "ip", "netns", "exec", ns}, args...)
	out, err := exec.Command("timeout", full...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && (ee.ExitCode() == 124 || ee.ExitCode() == 137) && args[0] == "masscan" {
		err = nil
	}
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (b *bed) sh(args ...string) {
	b.t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		b.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (b *bed) cleanup() {
	for _, ns := range b.nss {
		_ = exec.Command("ip", "netns", "del", ns).Run()
	}
	_ = exec.Command("ip", "link", "del", b.bridge).Run()
}

// isolateNATS points the sensor's embedded NATS server and spool at the
// test's own directories and a free port, and returns the data directory.
func isolateNATS(t *testing.T) (dataDir, spoolDir string) {
	t.Helper()
	dataDir, spoolDir = t.TempDir(), t.TempDir()
	t.Setenv("PORTSNARE_NATS_DATA_DIR", dataDir)
	t.Setenv("PORTSNARE_NATS_SPOOL_DIR", spoolDir)
	t.Setenv("PORTSNARE_NATS_LISTEN", "127.0.0.1:0")
	return dataDir, spoolDir
}

// liveSensor is `portsnare run` running in-process on one interface, with
// alerts on its standard output.
type liveSensor struct {
	t           *testing.T
	stop        context.CancelFunc
	done        chan int
	out, errOut bytes.Buffer
}

// startSensor starts `portsnare run -i iface --stdout` and waits for its
// sockets to open. Settings come from the test's PORTSNARE_* environment.
func startSensor(t *testing.T, iface string) *liveSensor {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	s := &liveSensor{t: t, stop: stop, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, []string{"run", "-i", iface, "--stdout", "--sensor-name", "e2e",
			"--metrics-listen", "", "--log-level", "warn"}, &s.out, &s.errOut)
	}()
	t.Cleanup(stop)
	time.Sleep(time.Second)
	return s
}

// finish gives the last replies a moment to arrive, stops the sensor as
// SIGTERM would, checks it exited cleanly and returns every alert it wrote.
func (s *liveSensor) finish() []detect.Alert {
	s.t.Helper()
	time.Sleep(2 * time.Second)
	s.stop()
	if code := <-s.done; code != 0 {
		s.t.Fatalf("portsnare run exited %d:\n%s", code, s.errOut.String())
	}
	var alerts []detect.Alert
	for _, line := range bytes.Split(bytes.TrimSpace(s.out.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var a detect.Alert
		if err := json.Unmarshal(line, &a); err != nil {
			s.t.Fatalf("alert line %q: %v", line, err)
		}
		alerts = append(alerts, a)
	}
	return alerts
}
