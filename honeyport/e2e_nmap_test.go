//go:build linux

package honeyport

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// e2ePorts picks the decoys of the nmap tests: an SSH port, a silent one
// and one that nmap probes with HTTP first, each the first of a few that no
// socket of the host holds (other tests may be using some). They are
// explicit, not "auto", so that the test does not depend on what the host
// runs.
type e2ePorts struct{ ssh, silent, http uint16 }

func pickE2EPorts(t *testing.T) e2ePorts {
	t.Helper()
	socks, err := readProcNet("/proc/net")
	if err != nil {
		t.Fatal(err)
	}
	first := func(cands ...uint16) uint16 {
		for _, c := range cands {
			if !slices.ContainsFunc(socks, func(s socket) bool { return s.holds() && s.Port == tcp(c) }) {
				return c
			}
		}
		t.Fatalf("ports %v all in use on this host", cands)
		return 0
	}
	return e2ePorts{ssh: first(2222, 2200, 22222), silent: first(6379, 11211, 27017), http: first(8081, 8082, 8083, 8088, 8888, 8008)}
}

func (p e2ePorts) list() []string { return []string{itoa(p.ssh), itoa(p.silent), itoa(p.http)} }

func e2eDecoys(t *testing.T, n *testNet, readTimeout time.Duration) (e2ePorts, *recorder) {
	t.Helper()
	ports := pickE2EPorts(t)
	cfg := testConfig(ports.list()...)
	cfg.Addresses = []string{n.host()}
	if n.has6 {
		cfg.Addresses = append(cfg.Addresses, n.host6())
	}
	cfg.Banners = []string{itoa(ports.ssh) + "=ssh", itoa(ports.http) + "=http"}
	cfg.ReadTimeout = readTimeout
	rec := newRecorder()
	d := start(t, cfg, rec.onTouch)
	if got, want := len(d.Ports()), 3*len(cfg.Addresses); got != want {
		t.Fatalf("holding %d decoy sockets, want %d: %v", got, want, d.Ports())
	}
	return ports, rec
}

// nmap -sT completes a handshake with every decoy: one touch per port,
// with Handshake, from the scanner's real address, over IPv4 and IPv6.
func TestE2ENmapConnectScan(t *testing.T) {
	testkit.RequireE2E(t, "nmap")
	n := newTestNet(t)
	ports, rec := e2eDecoys(t, n, 5*time.Second)

	type target struct{ src, dst, flag string }
	targets := []target{{n.peer(), n.host(), ""}}
	if n.has6 {
		targets = append(targets, target{n.peer6(), n.host6(), "-6"})
	} else {
		t.Log("no IPv6 on this kernel: IPv4 only")
	}
	for _, tg := range targets {
		args := []string{"nmap", "-n", "-Pn", "-sT", "--max-retries", "1", "-p", strings.Join(ports.list(), ",")}
		if tg.flag != "" {
			args = append(args, tg.flag)
		}
		out := n.in(60*time.Second, nil, append(args, tg.dst)...)
		for _, p := range ports.list() {
			if !strings.Contains(out, p+"/tcp open") {
				t.Errorf("nmap does not see %s open:\n%s", p, out)
			}
		}
		seen := map[uint16]bool{}
		for len(seen) < 3 {
			got := rec.next(t, nil)
			if got.Src != netip.MustParseAddr(tg.src) || got.Dst != netip.MustParseAddr(tg.dst) ||
				got.Proto != detect.ProtoTCP || !got.Handshake || got.Passive {
				t.Errorf("touch %+v, want a handshake from %s to %s", got, tg.src, tg.dst)
			}
			seen[got.DstPort] = true
		}
		t.Logf("nmap -sT %s: touches on %v", tg.flag, seen)
	}
}

// nmap -sV talks to the decoys: it reads the SSH greeting, and sends its
// HTTP probe, which the touch records, to the port that answers HTTP.
func TestE2ENmapServiceScan(t *testing.T) {
	testkit.RequireE2E(t, "nmap")
	n := newTestNet(t)
	// Longer than nmap's tcpwrapped limit (3 s): a decoy that closed
	// sooner, having said nothing, would stop nmap from sending its probes.
	ports, rec := e2eDecoys(t, n, 4*time.Second)
	ssh, http := itoa(ports.ssh), itoa(ports.http)
	out := n.in(120*time.Second, nil, "nmap", "-n", "-Pn", "-sV", "--version-light", "-p", ssh+","+http, n.host())
	t.Logf("nmap -sV:\n%s", out)
	if !regexp.MustCompile(ssh + `/tcp +open +ssh +OpenSSH`).MatchString(out) {
		t.Errorf("nmap did not take %s for OpenSSH", ssh)
	}
	if !regexp.MustCompile(http + `/tcp +open +http +nginx`).MatchString(out) {
		t.Errorf("nmap did not take %s for nginx", http)
	}

	var sshTouch, getTouch bool
	deadline := time.After(10 * time.Second)
	for !sshTouch || !getTouch {
		select {
		case got := <-rec.ch:
			if got.Src != netip.MustParseAddr(n.peer()) || !got.Handshake {
				t.Errorf("touch %+v", got)
			}
			t.Logf("touch: port %d banner %q bytes %d first %q", got.DstPort, got.Banner, got.Bytes, got.First)
			if got.DstPort == ports.ssh && got.Banner == "ssh" {
				sshTouch = true
			}
			if got.DstPort == ports.http && strings.HasPrefix(string(got.First), "GET / HTTP/1.0\r\n") && got.Banner == "http" {
				getTouch = true
			}
		case <-deadline:
			t.Fatalf("touches: ssh greeting %v, nmap's GET recorded %v", sshTouch, getTouch)
		}
	}
}
