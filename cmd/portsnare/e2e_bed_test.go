//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// The end-to-end tests run real scanners against the live sensor, behind
// testkit.RequireE2E: root, network namespaces and Debian's nmap, masscan,
// zmap, ncat, arping and python3 (.ci/run installs them).

// bed is a test network: a bridge in the test's own namespace that owns the
// target addresses (the sensor's host), and one namespace per client, each
// with its own address on the bridge's subnet. Addresses come from
// 198.18.0.0/15 (RFC 2544), never routed.
type bed struct {
	t      *testing.T
	id     string
	bridge string
	net    string // first three octets, "198.18.N"
}

func newBed(t *testing.T, third int) *bed {
	t.Helper()
	id := testkit.ID()
	bd := &bed{t: t, id: id, bridge: "psbr" + id, net: fmt.Sprintf("198.18.%d", third)}
	bd.sh("ip", "link", "add", bd.bridge, "type", "bridge")
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", bd.bridge).Run() })
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
	ns := testkit.Namespace(b.t, fmt.Sprintf("ps%s-%d", b.id, host))
	veth := fmt.Sprintf("pv%s%d", b.id, host)
	testkit.Veth(b.t, veth, ns, "eth0")
	b.sh("ip", "link", "set", veth, "master", b.bridge, "up")
	b.sh("ip", "-n", ns, "addr", "add", fmt.Sprintf("%s.%d/24", b.net, host), "dev", "eth0")
	b.sh("ip", "-n", ns, "link", "set", "eth0", "up")
	return ns
}

func (b *bed) addr(host int) string { return fmt.Sprintf("%s.%d", b.net, host) }

// The bed's IPv6 link is 2001:db8:N::/64 (RFC 3849, documentation), N the
// third octet of its IPv4 subnet, so that beds of different tests differ.

// addr6 returns the IPv6 address numbered host on the bed's /64, in the
// canonical form alerts use.
func (b *bed) addr6(host int) string {
	return netip.MustParseAddr(fmt.Sprintf("%s::%x", b.prefix6(0), host)).String()
}

// prefix6 returns the first four groups of the bed's /64 number sub (0 is
// the link's own), without the trailing "::".
func (b *bed) prefix6(sub int) string {
	return fmt.Sprintf("2001:db8:%s:%x", strings.TrimPrefix(b.net, "198.18."), sub)
}

// enableIPv6 gives the bridge the link's first address, 2001:db8:N::1/64.
// Addresses skip duplicate address detection (nodad): the bed is private,
// and a tentative address would make the first probes fail.
func (b *bed) enableIPv6() {
	b.setIPv6(b.bridge, "")
	b.sh("ip", "-6", "addr", "add", b.addr6(1)+"/64", "dev", b.bridge, "nodad")
}

// addTargets6 gives the sensor's host IPv6 addresses, each a /128 on the
// bridge.
func (b *bed) addTargets6(addrs ...string) {
	for _, a := range addrs {
		b.sh("ip", "-6", "addr", "add", a+"/128", "dev", b.bridge, "nodad")
	}
}

// addAddr adds an address (with its prefix length) to the client
// namespace's eth0; IPv6 ones skip duplicate address detection.
func (b *bed) addAddr(ns, cidr string) {
	if strings.Contains(cidr, ":") {
		b.setIPv6("eth0", ns)
		b.sh("ip", "-n", ns, "-6", "addr", "add", cidr, "dev", "eth0", "nodad")
		return
	}
	b.sh("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0")
}

// setIPv6 makes sure IPv6 is on for an interface (in namespace ns, or the
// test's own when ns is empty): some hosts turn it off by default.
func (b *bed) setIPv6(iface, ns string) {
	path := "/proc/sys/net/ipv6/conf/" + iface + "/disable_ipv6"
	if ns == "" {
		if err := os.WriteFile(path, []byte("0"), 0o644); err != nil {
			b.t.Fatalf("enabling IPv6 on %s: %v", iface, err)
		}
		return
	}
	// /proc/sys/net shows the namespace of the process that reads it.
	b.sh("ip", "netns", "exec", ns, "sh", "-c", "echo 0 > "+path)
}

// start runs a command in namespace ns in the background with a time
// limit; the returned function waits for it and returns its output and
// error. Unlike in, it never fails the test itself, so several can run at
// once from other goroutines and a tool's own exit status can be judged.
func (b *bed) start(ns string, limit time.Duration, args ...string) func() (string, error) {
	return testkit.Background(b.t, testkit.InNamespace(ns, limit, args...))
}

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
	out, err := testkit.InNamespace(ns, limit, args...).CombinedOutput()
	if testkit.TimedOut(err) && args[0] == "masscan" {
		err = nil
	}
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (b *bed) sh(args ...string) {
	b.t.Helper()
	testkit.Sh(b.t, args...)
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
	exited      chan struct{} // closed when run returns, with its status in code
	code        int
	out, errOut testkit.Buffer
	metrics     string // base URL of /metrics and /healthz
}

// startSensor starts `portsnare run -i iface --stdout` with the
// Prometheus endpoint on a free loopback port, so that a test can read the
// sensor's packet counters, and returns once the endpoint answers: the
// capture sockets are opened before the endpoint starts, so from then on
// every packet is seen. Settings come from the test's PORTSNARE_*
// environment.
func startSensor(t *testing.T, iface string) *liveSensor {
	t.Helper()
	addr := freeFixedPort(t)
	s := launchSensor(t, iface, addr)
	s.metrics = "http://" + addr
	var err error
	client := http.Client{Timeout: 2 * time.Second}
	ready := testkit.Until(15*time.Second, s.exited, func() bool {
		var resp *http.Response
		if resp, err = client.Get(s.metrics + "/healthz"); err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if !ready {
		select {
		case <-s.exited:
			t.Fatalf("portsnare run exited %d before serving metrics:\n%s", s.code, s.errOut.String())
		default:
			t.Fatalf("the sensor's metrics endpoint %s did not answer: %v\n%s", addr, err, s.errOut.String())
		}
	}
	return s
}

// freeFixedPort returns a loopback address with a port that is free now
// and lies below Linux's ephemeral range (32768 and up): the embedded NATS
// server, listening on port 0 meanwhile, is given ports from that range, so
// it cannot take this one between the check and the sensor's bind.
func freeFixedPort(t *testing.T) string {
	t.Helper()
	for range 200 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+mrand.IntN(12000))
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free loopback port below the ephemeral range")
	return ""
}

func launchSensor(t *testing.T, iface, metrics string) *liveSensor {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	s := &liveSensor{t: t, stop: stop, exited: make(chan struct{})}
	go func() {
		defer close(s.exited)
		s.code = run(ctx, []string{"run", "-i", iface, "--stdout", "--sensor-name", "e2e",
			"--metrics-listen", metrics, "--log-level", "warn"}, &s.out, &s.errOut)
	}()
	t.Cleanup(stop)
	return s
}

// counter reads one sample from the sensor's /metrics, named as the text
// format shows it, e.g. portsnare_decoded_packets_total{result="probe"}.
func (s *liveSensor) counter(sample string) float64 {
	s.t.Helper()
	v, err := testkit.Scrape(s.metrics, sample)
	if err != nil {
		s.t.Fatalf("the sensor's metrics: %v", err)
	}
	return v
}

// lines returns the complete alert lines written so far.
func (s *liveSensor) lines() [][]byte {
	out := s.out.Bytes()
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		out = out[:i]
	} else {
		return nil
	}
	var lines [][]byte
	for _, line := range bytes.Split(out, []byte("\n")) {
		if len(line) > 0 {
			lines = append(lines, line)
		}
	}
	return lines
}

// waitLine waits until an alert line written so far satisfies match, or
// until the limit; it reports whether one did. A sensor that exits ends
// the wait (finish reports why).
func (s *liveSensor) waitLine(limit time.Duration, match func([]byte) bool) bool {
	return testkit.Until(limit, s.exited, func() bool {
		return slices.ContainsFunc(s.lines(), match)
	})
}

// finishLines gives the last replies a moment to arrive, stops the sensor as
// SIGTERM would, checks it exited cleanly and returns every alert line it
// wrote.
func (s *liveSensor) finishLines() [][]byte {
	s.t.Helper()
	time.Sleep(2 * time.Second)
	s.stop()
	<-s.exited
	if s.code != 0 {
		s.t.Fatalf("portsnare run exited %d:\n%s", s.code, s.errOut.String())
	}
	lines := s.lines()
	// Every document a live sensor writes honours the published schema.
	for _, line := range lines {
		if err := testkit.ValidAlert(line); err != nil {
			s.t.Errorf("alert outside deploy/schema/alert.schema.json: %v", err)
		}
	}
	return lines
}

// finish is finishLines with every line decoded as a detect.Alert.
func (s *liveSensor) finish() []detect.Alert {
	s.t.Helper()
	var alerts []detect.Alert
	for _, line := range s.finishLines() {
		var a detect.Alert
		if err := json.Unmarshal(line, &a); err != nil {
			s.t.Fatalf("alert line %q: %v", line, err)
		}
		alerts = append(alerts, a)
	}
	return alerts
}
