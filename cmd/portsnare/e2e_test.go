//go:build linux

package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// scanCase is one real scanner run against the live sensor, from its own
// address, and the one episode it must raise.
type scanCase struct {
	name      string
	host      int // the scanner's address: .host on the bed's subnet
	cmd       func(b *bed, src string) []string
	action    detect.Action
	technique string
	order     string // "" when not checked
	tool      string // "" when not checked
	sources   []int  // for decoy scans: every lock-step source
	slow      bool   // runs in the background while the others run
	limit     time.Duration
}

// TestE2ELiveScanners runs nmap, masscan and zmap against `portsnare run`
// in network namespaces, with benign clients in the same run, and checks
// that every scan is alerted with the right action, technique and order,
// and that nothing else is.
func TestE2ELiveScanners(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "masscan", "zmap", "timeout")
	b := newBed(t, 77)
	b.addTargets(2, 61)
	isolateNATS(t)
	target := b.addr(1)
	sweep := fmt.Sprintf("%s.2-61", b.net)
	// A sweep of a range finds dead addresses among the live ones; a ping
	// sweep of live hosts alone is what a monitoring system sends.
	wide := fmt.Sprintf("%s.2-100", b.net)
	nmap := func(args ...string) func(*bed, string) []string {
		return func(*bed, string) []string { return append([]string{"nmap", "-n", "--max-retries", "1"}, args...) }
	}
	cases := []scanCase{
		{name: "slow", host: 115, cmd: nmap("-sS", "-Pn", "--scan-delay", "3s", "-p", "20-27", target),
			action: detect.ActionPortscan, technique: "syn", tool: "nmap", slow: true},
		{name: "syn-random", host: 101, cmd: nmap("-sS", "-Pn", "-p", "1-200", target),
			action: detect.ActionPortscan, technique: "syn", order: "random", tool: "nmap"},
		{name: "syn-sequential", host: 102, cmd: nmap("-sS", "-r", "-Pn", "-p", "1-200", target),
			action: detect.ActionPortscan, technique: "syn", order: "sequential", tool: "nmap"},
		{name: "connect", host: 103, cmd: nmap("-sT", "-Pn", "-p", "1-200", target),
			action: detect.ActionPortscan, technique: "connect", order: "random"},
		{name: "fin", host: 104, cmd: nmap("-sF", "-Pn", "-p", "1-100", target),
			action: detect.ActionPortscan, technique: "fin", order: "random", tool: "nmap"},
		{name: "null", host: 105, cmd: nmap("-sN", "-Pn", "-p", "1-100", target),
			action: detect.ActionPortscan, technique: "null", order: "random", tool: "nmap"},
		{name: "xmas", host: 106, cmd: nmap("-sX", "-Pn", "-p", "1-100", target),
			action: detect.ActionPortscan, technique: "xmas", order: "random", tool: "nmap"},
		{name: "ack", host: 107, cmd: nmap("-sA", "-Pn", "-p", "1-100", target),
			action: detect.ActionPortscan, technique: "ack", order: "random", tool: "nmap"},
		{name: "udp", host: 108, cmd: nmap("-sU", "-Pn", "-p", "1-60", target),
			action: detect.ActionPortscan, technique: "udp", order: "random"},
		{name: "ipproto", host: 109, cmd: nmap("-sO", "-Pn", "-p", "1-60", target),
			action: detect.ActionIPProtoScan, technique: "ipproto"},
		// On the local link nmap pings by ARP, whatever -P option says.
		{name: "pingsweep-arp", host: 110, cmd: nmap("-sn", wide),
			action: detect.ActionPingsweep, technique: "arp", order: "sequential"},
		{name: "pingsweep-icmp", host: 116, cmd: nmap("-sn", "-PE", "--disable-arp-ping", wide),
			action: detect.ActionPingsweep, technique: "icmp", order: "sequential"},
		{name: "nmap-sweep", host: 111, cmd: nmap("-sS", "-Pn", "-p", "80", sweep),
			action: detect.ActionPortsweep, technique: "syn", tool: "nmap"},
		{name: "zmap-sweep", host: 112, cmd: func(b *bed, src string) []string {
			empty := b.t.TempDir() + "/empty-blocklist"
			if err := os.WriteFile(empty, nil, 0o644); err != nil {
				b.t.Fatal(err)
			}
			return []string{"zmap", "-p", "80", "-i", "eth0", "-S", src, "-G", b.mac(), "-b", empty,
				"-r", "500", "-c", "2", "--disable-syslog", "-o", "/dev/null", b.net + ".0/26"}
		}, action: detect.ActionPortsweep, technique: "syn", order: "random", tool: "zmap"},
		{name: "masscan", host: 113, cmd: func(b *bed, src string) []string {
			return []string{"masscan", "-p1-1000", target, "--rate", "20000", "-e", "eth0", "--adapter-ip", src,
				"--router-mac", b.mac(), "--wait", "2"}
		}, action: detect.ActionPortscan, technique: "syn", order: "random", tool: "masscan", limit: 30 * time.Second},
		{name: "decoy", host: 114, cmd: nmap("-sS", "-Pn", "-D", b.addr(190)+","+b.addr(191)+",ME", "-p", "1-60", target),
			action: detect.ActionDecoyPortscan, technique: "syn", tool: "nmap", sources: []int{114, 190, 191}},
	}

	// The sensor's host serves a few things the benign clients use.
	serveTCP(t, target+":8080")
	serveTCP(t, ":443")
	serveUDP(t, target+":53")
	restore := setSysctl(t, "net.ipv4.icmp_ratelimit", "0") // nmap -sU waits for each ICMP port unreachable
	defer restore()

	nss := map[int]string{}
	for _, c := range cases {
		nss[c.host] = b.client(c.host)
	}
	benign := map[int]string{150: b.client(150), 151: b.client(151), 152: b.client(152)}

	sens := startSensor(t, b.bridge)

	var wg sync.WaitGroup
	runCase := func(c scanCase) {
		limit := c.limit
		if limit == 0 {
			limit = 120 * time.Second
		}
		b.in(nss[c.host], limit, c.cmd(b, b.addr(c.host))...)
	}
	for _, c := range cases {
		if c.slow {
			wg.Add(1)
			go func() { defer wg.Done(); runCase(c) }()
		}
	}
	for _, c := range cases {
		if !c.slow {
			runCase(c)
		}
	}
	// The benign clients must be seen to count: the engine's counters grow
	// by at least their first contacts and the answers to them.
	probes0, replies0 := processed(sens)
	runHelper(t, benign[150], "connect-many "+target+":8080 300")
	var fan []string
	for i := 2; i <= 41; i++ {
		fan = append(fan, b.addr(i)+":443")
	}
	runHelper(t, benign[151], "fanout "+strings.Join(fan, " "))
	runHelper(t, benign[152], "dns "+target+":53 100")
	atLeast(t, sens, probes0+300+40+100, replies0+300+40+100,
		"the benign clients (300 connections to one service, 40 to as many hosts, 100 DNS exchanges)")
	wg.Wait()

	ends := map[string]*detect.Alert{}
	starts := map[string]int{}
	for _, a := range sens.finish() {
		switch a.Portsnare.Phase {
		case detect.PhaseStart:
			starts[a.Source.IP]++
		case detect.PhaseEnd:
			if ends[a.Source.IP] != nil {
				t.Errorf("%s: two episodes (%s, %s)", a.Source.IP, ends[a.Source.IP].Message, a.Message)
			}
			ends[a.Source.IP] = &a
		}
	}
	want := map[string]bool{}
	for _, c := range cases {
		want[b.addr(c.host)] = true
		t.Run(c.name, func(t *testing.T) {
			a := ends[b.addr(c.host)]
			if a == nil {
				t.Fatalf("no episode from %s", b.addr(c.host))
			}
			sc := a.Portsnare.Scan
			if starts[b.addr(c.host)] != 1 {
				t.Errorf("%d start alerts, want 1", starts[b.addr(c.host)])
			}
			if a.Event.Action != c.action || sc.Technique != c.technique ||
				(c.order != "" && sc.Order != c.order) || (c.tool != "" && sc.Tool != c.tool) {
				t.Errorf("got %s %s/%s/%s (%s), want %s %s/%s/%s", a.Event.Action, sc.Technique, sc.Order, sc.Tool,
					a.Message, c.action, c.technique, c.order, c.tool)
			}
			if c.sources != nil {
				var w []string
				for _, h := range c.sources {
					w = append(w, b.addr(h))
				}
				got := slices.Clone(sc.Sources)
				sort.Strings(got)
				sort.Strings(w)
				if !slices.Equal(got, w) {
					t.Errorf("decoy sources %v, want %v", got, w)
				}
			}
		})
	}
	for src, a := range ends {
		if !want[src] {
			t.Errorf("unexpected episode from %s: %s", src, a.Message)
		}
	}
}

// setSysctl sets a sysctl for the test and returns what restores it.
func setSysctl(t *testing.T, key, value string) func() {
	t.Helper()
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("sysctl %s: %v", key, err)
	}
	if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
		t.Fatalf("sysctl %s=%s: %v", key, value, err)
	}
	return func() { _ = os.WriteFile(path, old, 0o644) }
}
