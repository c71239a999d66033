//go:build linux

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// TestE2EClasses runs, against the live sensor, real tools that play each
// class of traffic a port-scan detector gets wrong on networks it was not
// tuned on: scans through a Windows stack, ARP that is not a sweep, busy
// clients whose contacts succeed, P2P, probes no stack sends, IPv6 with
// addresses rotated inside a /64, distributed scans and fragments. Scans
// must be alerted as what they are; benign traffic must raise nothing, and
// each benign case first proves that its traffic flowed and the sensor saw
// it, so that silence is not mistaken for a pass.
//
// The subtests run one after another, each with its own bed and sensor, so
// that each sees only its own traffic.
func TestE2EClasses(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "ncat", "arping", "python3", "timeout", "sh")
	for _, c := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"windows-retransmit", classWindowsRetransmit},
		{"arp-ndp", classARPNDP},
		{"outcomes", classOutcomes},
		{"p2p", classP2P},
		{"odd-probes", classOddProbes},
		{"ipv6", classIPv6},
		{"distributed", classDistributed},
		{"fragments", classFragments},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			c.run(t)
			t.Logf("%s took %s", c.name, time.Since(start).Round(100*time.Millisecond))
		})
	}
}

// classAlert is an alert as these tests read it, decoded from the JSON
// itself rather than into detect.Alert, so that the fields of the newer
// schema (per-/64 sources, distributed participants and episodes, the
// changed shape) are read whatever the engine's types hold today.
type classAlert struct {
	Message string `json:"message"`
	Event   struct {
		ID     string        `json:"id"`
		Action detect.Action `json:"action"`
	} `json:"event"`
	Source struct {
		IP string `json:"ip"`
	} `json:"source"`
	Portsnare struct {
		Phase      detect.Phase `json:"phase"`
		Episode    string       `json:"episode"`
		Suppressed bool         `json:"suppressed"`
		Scan       struct {
			Technique       string   `json:"technique"`
			Order           string   `json:"order"`
			Tool            string   `json:"tool"`
			Shape           string   `json:"shape"`
			Probes          uint64   `json:"probes"`
			Ports           uint32   `json:"ports"`
			Hosts           uint32   `json:"hosts"`
			Failed          uint32   `json:"failed"`
			Succeeded       uint32   `json:"succeeded"`
			Reason          string   `json:"reason"`
			Sources         []string `json:"sources"`
			Episodes        []string `json:"episodes"`
			SourcePrefix    string   `json:"source_prefix"`
			SourceAddresses []string `json:"source_addresses"`
		} `json:"scan"`
	} `json:"portsnare"`
}

func (a *classAlert) String() string {
	sc := a.Portsnare.Scan
	s := fmt.Sprintf("%s %s src=%s technique=%s ports=%d hosts=%d failed=%d succeeded=%d",
		a.Portsnare.Phase, a.Event.Action, a.Source.IP, sc.Technique, sc.Ports, sc.Hosts, sc.Failed, sc.Succeeded)
	if sc.Shape != "" {
		s += " shape=" + sc.Shape
	}
	if sc.SourcePrefix != "" {
		s += fmt.Sprintf(" prefix=%s addresses=%v", sc.SourcePrefix, sc.SourceAddresses)
	}
	if len(sc.Sources) > 0 {
		s += fmt.Sprintf(" sources=%v episodes=%v", sc.Sources, sc.Episodes)
	}
	return s + " (" + a.Message + ")"
}

func parseClassAlert(line []byte) (classAlert, error) {
	var a classAlert
	err := json.Unmarshal(line, &a)
	return a, err
}

// classAlerts stops the sensor and returns its alerts. Whatever the case
// asserts, every episode must tell one story: the same action from start
// to end.
func classAlerts(t *testing.T, s *liveSensor) []classAlert {
	t.Helper()
	var alerts []classAlert
	for _, line := range s.finishLines() {
		a, err := parseClassAlert(line)
		if err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		alerts = append(alerts, a)
	}
	t.Logf("alerts:\n%s", dumpAlerts(alerts))
	action := map[string]detect.Action{}
	for _, a := range alerts {
		ep := a.Portsnare.Episode
		if ep == "" {
			t.Errorf("alert without an episode id: %s", &a)
			continue
		}
		if first, ok := action[ep]; ok && first != a.Event.Action {
			t.Errorf("episode %s changes action from %s to %s: %s", ep, first, a.Event.Action, &a)
		}
		action[ep] = a.Event.Action
	}
	return alerts
}

// waitAlert waits up to limit for an alert that match accepts. A scan case
// waits for its alert rather than stopping the sensor at once, as a
// running sensor would have judged the unanswered probes by then.
func waitAlert(s *liveSensor, limit time.Duration, match func(*classAlert) bool) bool {
	return s.waitLine(limit, func(line []byte) bool {
		a, err := parseClassAlert(line)
		return err == nil && match(&a)
	})
}

// judged is how long a benign case keeps the sensor running after its last
// packet: the engine counts a first contact as unanswered only after
// detect.reply_timeout, judged on its one-second tick, so an alert that
// silence would raise has been raised by then.
var judged = detect.DefaultConfig().ReplyTimeout + 2*time.Second

// awaitJudgement keeps the sensor running for judged after the traffic.
func awaitJudgement(s *liveSensor) {
	select {
	case <-s.exited: // exited early: finish reports why
	case <-time.After(judged):
	}
}

func dumpAlerts(alerts []classAlert) string {
	if len(alerts) == 0 {
		return "  (no alerts)"
	}
	var b strings.Builder
	for i := range alerts {
		fmt.Fprintf(&b, "  %s\n", &alerts[i])
	}
	return b.String()
}

// endOf returns the end alert of the first episode match accepts, or its
// latest alert when no end was written, or nil.
func endOf(alerts []classAlert, match func(*classAlert) bool) *classAlert {
	var last *classAlert
	for i := range alerts {
		a := &alerts[i]
		if !match(a) {
			continue
		}
		if last != nil && a.Portsnare.Episode != last.Portsnare.Episode {
			continue
		}
		last = a
		if a.Portsnare.Phase == detect.PhaseEnd {
			return a
		}
	}
	return last
}

func bySource(ip string) func(*classAlert) bool {
	return func(a *classAlert) bool { return a.Source.IP == ip }
}

func bySourceAction(ip string, action detect.Action) func(*classAlert) bool {
	return func(a *classAlert) bool { return a.Source.IP == ip && a.Event.Action == action }
}

// processed reads the engine's counters of the probes and replies it has
// processed. The engine's, not the decoder's: only the engine can tell a
// UDP answer from a probe.
func processed(s *liveSensor) (probes, replies float64) {
	return s.counter(`portsnare_engine_events_total{kind="probe"}`),
		s.counter(`portsnare_engine_events_total{kind="reply"}`)
}

// atLeast fails unless the engine processed at least the probes and
// replies the case's traffic must have produced: the positive control that
// the packets reached the sensor and were understood. The counters are
// published once a second, so it waits a few seconds for them to get there.
func atLeast(t *testing.T, s *liveSensor, probes, replies float64, what string) {
	t.Helper()
	var p, r float64
	if !testkit.Until(5*time.Second, s.exited, func() bool {
		p, r = processed(s)
		return p >= probes && r >= replies
	}) {
		t.Errorf("the engine processed %v probes and %v replies; %s needs at least %v and %v", p, r, what, probes, replies)
	}
}

// count runs a shell script in ns that prints one number last, and
// returns it.
func count(t *testing.T, b *bed, ns string, limit time.Duration, script string, args ...string) int {
	t.Helper()
	out := b.in(ns, limit, append([]string{"sh", "-c", script, "sh"}, args...)...)
	n, err := strconv.Atoi(lastField(out))
	if err != nil {
		t.Fatalf("no count from %q:\n%s", script, out)
	}
	return n
}

// lastField returns the last word of a tool's output: the count the
// clients here print last.
func lastField(out string) string {
	f := strings.Fields(out)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// serveTCPHeld is serveTCP, except that a port some other socket of the
// host already serves on every address (sshd on 22) is left to it: the
// test needs the port open, not its own listener.
func serveTCPHeld(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		c, derr := net.DialTimeout("tcp", addr, 2*time.Second)
		if derr != nil {
			t.Fatalf("%s is taken but refuses connections: %v", addr, derr)
		}
		c.Close()
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	serveTCP(t, addr)
}

// closedPorts returns n ports of addr that refuse a connection, the usual
// targets of a vulnerability scanner first.
func closedPorts(t *testing.T, addr string, n int) []uint16 {
	t.Helper()
	candidates := []int{21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 1723, 3306,
		3389, 5432, 5900, 5985, 6379, 8000, 8080, 8443, 9200, 27017}
	for p := 1; p <= 1024; p++ {
		candidates = append(candidates, p)
	}
	var ports []uint16
	seen := map[int]bool{}
	for _, p := range candidates {
		if len(ports) == n {
			break
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(p)), time.Second)
		if err == nil {
			c.Close()
			continue
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			ports = append(ports, uint16(p))
		}
	}
	if len(ports) < n {
		t.Fatalf("only %d closed ports on %s", len(ports), addr)
	}
	return ports
}

// 1. A connect() scan through a Windows stack: every refused port's SYN
// is sent three times, identical. Many refused ports on one host is a port
// scan whatever the stack.
func classWindowsRetransmit(t *testing.T) {
	b := newBed(t, 81)
	isolateNATS(t)
	target := b.addr(1)
	ports := closedPorts(t, target, 40)
	ns := b.client(10)
	src := b.addr(10)
	sens := startSensor(t, b.bridge)

	rsts, err := winConnectScan(ns, netip.MustParseAddr(src), netip.MustParseAddr(target), ports)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range rsts {
		if n != winSYNs {
			t.Errorf("port %d: %d RSTs to %d identical SYNs", ports[i], n, winSYNs)
		}
	}
	atLeast(t, sens, 40*winSYNs, 40*winSYNs, "40 ports x 3 SYNs, each refused")
	waitAlert(sens, judged, func(a *classAlert) bool { return a.Source.IP == src })
	alerts := classAlerts(t, sens)
	end := endOf(alerts, bySource(src))
	if end == nil || end.Event.Action != detect.ActionPortscan {
		t.Fatalf("want a portscan from %s (40 refused ports, each SYN sent 3 times as Windows does); alerts:\n%s",
			src, dumpAlerts(alerts))
	}
	if end.Portsnare.Scan.Ports != 40 {
		t.Errorf("ports %d, want 40: %s", end.Portsnare.Scan.Ports, end)
	}
}

// 2. ARP that is not a sweep, then one that is. A client ARPs for the
// live hosts it talks to, again and again, and finds them; a gateway
// re-asks the same dozen absent addresses every few seconds. Neither asks
// for many new addresses. Then nmap -sn over the /24 does.
func classARPNDP(t *testing.T) {
	b := newBed(t, 82)
	b.addTargets(2, 21)
	b.enableIPv6()
	var live6 []string
	for i := 2; i <= 21; i++ {
		live6 = append(live6, b.addr6(i))
	}
	b.addTargets6(live6...)
	for _, a := range live6 {
		serveTCP(t, net.JoinHostPort(a, "443"))
	}
	isolateNATS(t)
	client, gateway, scanner := b.client(100), b.client(254), b.client(150)
	b.addAddr(client, b.addr6(100)+"/64")
	var live, absent []string
	for i := 2; i <= 21; i++ {
		live = append(live, b.addr(i))
	}
	for i := 200; i <= 211; i++ {
		absent = append(absent, b.addr(i))
	}
	sens := startSensor(t, b.bridge)

	const rounds = 3
	// The client: ARP-based presence monitoring, three rounds of one
	// request to each live host in turn, each answered (arping exits 0 on
	// a reply), a quarter second apart: it checks neighbours it knows one
	// at a time. (Asking them all within a second and using none is what
	// nmap -sn does: a sweep, answered or not.)
	arpClient := b.start(client, 60*time.Second, append([]string{"sh", "-c", `n=0
for r in 1 2 3; do for a in "$@"; do arping -q -c 1 -W 0.2 -i eth0 "$a" && n=$((n+1)); sleep 0.25; done; done
echo "$n"`, "sh"}, live...)...)
	// The gateway: four refreshes of the same absent addresses, 3 s
	// apart, each request in parallel as a kernel refreshing its cache
	// sends them; none is answered.
	gw := b.start(gateway, 60*time.Second, append([]string{"sh", "-c", `n=0
for r in 1 2 3 4; do
	for a in "$@"; do arping -q -c 1 -w 1 -i eth0 "$a" & n=$((n+1)); done
	wait; sleep 2
done
echo "$n"`, "sh"}, absent...)...)
	// Over IPv6 the client solicits each host it then connects to.
	ok6 := count(t, b, client, 60*time.Second, `n=0
for a in "$@"; do ncat -6 -w 3 "$a" 443 </dev/null | grep -q ok && n=$((n+1)); done
echo "$n"`, live6...)
	out, err := arpClient()
	if err != nil {
		t.Fatalf("ARP client: %v\n%s", err, out)
	}
	if n, _ := strconv.Atoi(lastField(out)); n != rounds*len(live) {
		t.Errorf("ARP client: %s answered requests, want %d:\n%s", lastField(out), rounds*len(live), out)
	}
	out, err = gw()
	if err != nil {
		t.Fatalf("gateway: %v\n%s", err, out)
	}
	if n, _ := strconv.Atoi(lastField(out)); n != 4*len(absent) {
		t.Errorf("gateway: %s requests sent, want %d:\n%s", lastField(out), 4*len(absent), out)
	}
	if ok6 != len(live6) {
		t.Errorf("IPv6 client: %d of %d connections succeeded", ok6, len(live6))
	}
	awaitJudgement(sens)
	// ARP requests and answers alone: the client's 60 and the gateway's 48
	// requests, the client's 60 answers.
	atLeast(t, sens, rounds*20+4*12, rounds*20, "the ARP traffic")

	scanSrc := b.addr(150)
	b.in(scanner, 60*time.Second, "nmap", "-n", "-sn", b.net+".0/24")
	waitAlert(sens, 2*judged, func(a *classAlert) bool { return a.Source.IP == scanSrc })
	alerts := classAlerts(t, sens)

	t.Run("benign", func(t *testing.T) {
		// The sweep asks the client and the gateway too; their answers
		// are replies and must not make them scanners either.
		var wrong []classAlert
		for _, a := range alerts {
			if a.Source.IP != scanSrc {
				wrong = append(wrong, a)
			}
		}
		if len(wrong) > 0 {
			t.Errorf("want no alert for the ARP client %s (and %s over IPv6) and the gateway %s; alerts:\n%s",
				b.addr(100), b.addr6(100), b.addr(254), dumpAlerts(wrong))
		}
	})
	t.Run("sweep", func(t *testing.T) {
		end := endOf(alerts, bySource(scanSrc))
		if end == nil || end.Event.Action != detect.ActionPingsweep || end.Portsnare.Scan.Technique != "arp" {
			t.Errorf("want a pingsweep (technique arp) from %s (nmap -sn over the /24); alerts:\n%s", scanSrc, dumpAlerts(alerts))
		}
	})
}

// 3. A busy client whose contacts succeed: one port on 40 hosts, every
// connection accepted. Outcomes decide where answers are visible.
func classOutcomes(t *testing.T) {
	b := newBed(t, 83)
	b.addTargets(2, 41)
	var hosts []string
	for i := 2; i <= 41; i++ {
		hosts = append(hosts, b.addr(i))
		serveTCP(t, b.addr(i)+":443")
	}
	isolateNATS(t)
	client := b.client(100)
	sens := startSensor(t, b.bridge)

	// One connection to each host in turn, as a monitoring or inventory
	// client makes them; prints how many got the service's answer.
	const client443 = `import socket, sys
n = 0
for a in sys.argv[1:]:
    try:
        with socket.create_connection((a, 443), timeout=3) as c:
            c.shutdown(socket.SHUT_WR)
            if c.recv(16).startswith(b"ok"):
                n += 1
    except OSError as e:
        print(a, e, file=sys.stderr)
print(n)
`
	out := b.in(client, 60*time.Second, append([]string{"python3", "-c", client443}, hosts...)...)
	if n, _ := strconv.Atoi(lastField(out)); n != len(hosts) {
		t.Errorf("%s of %d connections succeeded:\n%s", lastField(out), len(hosts), out)
	}
	// Each host: an ARP request and a SYN out, an ARP answer and a SYN-ACK
	// back. 80 replies can only be reached with the SYN-ACKs.
	atLeast(t, sens, 2*40, 2*40, "40 ARP exchanges and 40 accepted connections")
	awaitJudgement(sens)
	alerts := classAlerts(t, sens)
	if len(alerts) > 0 {
		t.Errorf("want no alert for 40 successful connections; alerts:\n%s", dumpAlerts(alerts))
	}
}

// 4. P2P: a UDP client talks to 60 peers, each on its own random high
// port, from one socket; 50 answer, 10 stay silent.
func classP2P(t *testing.T) {
	b := newBed(t, 84)
	b.addTargets(2, 61)
	isolateNATS(t)
	used := map[int]bool{}
	var peers []string
	for i := 2; i <= 61; i++ {
		var addr string
		for {
			port := 10000 + rand.IntN(50000)
			if used[port] {
				continue
			}
			addr = net.JoinHostPort(b.addr(i), strconv.Itoa(port))
			pc, err := net.ListenPacket("udp", addr)
			if err != nil { // taken by some other socket of the host: draw again
				continue
			}
			pc.Close()
			used[port] = true
			break
		}
		if i <= 51 {
			serveUDP(t, addr)
		} else {
			serveUDPSilent(t, addr)
		}
		peers = append(peers, addr)
	}
	client := b.client(100)
	sens := startSensor(t, b.bridge)

	// Two rounds to every peer, as a DHT node pings its routing table;
	// prints how many distinct peers answered.
	const p2p = `import socket, sys, time
peers = [(a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in sys.argv[1:]]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 0))
s.settimeout(0.2)
answered = set()
for r in range(2):
    for p in peers:
        s.sendto(b"d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe", p)
    end = time.time() + 2
    while time.time() < end:
        try:
            _, frm = s.recvfrom(2048)
            answered.add(frm)
        except socket.timeout:
            pass
print(len(answered))
`
	out := b.in(client, 60*time.Second, append([]string{"python3", "-c", p2p}, peers...)...)
	if n, _ := strconv.Atoi(lastField(out)); n != 50 {
		t.Errorf("%s peers answered, want 50:\n%s", lastField(out), out)
	}
	// 60 ARP requests and at least one datagram to each peer; 60 ARP
	// answers and 50 peers' answers.
	atLeast(t, sens, 60+60, 60+50, "the ARP exchanges, 60 peers contacted, 50 answering")
	awaitJudgement(sens)
	alerts := classAlerts(t, sens)
	if len(alerts) > 0 {
		t.Errorf("want no alert for a P2P client (60 peers, each its own port, 50 answering); alerts:\n%s", dumpAlerts(alerts))
	}
}

// 5. Probes no legitimate stack sends: nmap -O's probe set, recognised as
// OS fingerprinting; and NULL probes to five ports.
func classOddProbes(t *testing.T) {
	b := newBed(t, 85)
	isolateNATS(t)
	target := b.addr(1)
	serveTCPHeld(t, target+":22")
	serveTCPHeld(t, target+":80")
	osns, nullns := b.client(10), b.client(11)
	osSrc, nullSrc := b.addr(10), b.addr(11)
	sens := startSensor(t, b.bridge)

	b.in(osns, 60*time.Second, "nmap", "-n", "-O", "-p", "22,80,9", target)
	waitAlert(sens, judged, func(a *classAlert) bool { return a.Source.IP == osSrc })
	b.in(nullns, 60*time.Second, "nmap", "-n", "-sN", "-p", "1-5", target)
	waitAlert(sens, judged, func(a *classAlert) bool { return a.Source.IP == nullSrc })
	alerts := classAlerts(t, sens)

	t.Run("osscan", func(t *testing.T) {
		if endOf(alerts, bySourceAction(osSrc, "osscan")) == nil {
			t.Errorf("want an osscan alert from %s (nmap -O -p 22,80,9); alerts:\n%s", osSrc, dumpAlerts(alerts))
		}
	})
	t.Run("null", func(t *testing.T) {
		end := endOf(alerts, bySource(nullSrc))
		if end == nil || end.Event.Action != detect.ActionPortscan || end.Portsnare.Scan.Technique != "null" {
			t.Errorf("want a portscan (technique null) from %s (nmap -sN -p 1-5); alerts:\n%s", nullSrc, dumpAlerts(alerts))
		}
	})
}

// 6. IPv6: a neighbour-solicitation sweep of 30 on-link addresses, 5 of
// them live; and a scanner that spreads one port scan over four
// addresses of its /64, which is one scanner.
func classIPv6(t *testing.T) {
	b := newBed(t, 86)
	isolateNATS(t)
	b.enableIPv6()
	target6 := b.addr6(1)
	var sweep []string
	for i := 1; i <= 30; i++ {
		sweep = append(sweep, b.addr6(0xa00+i))
	}
	b.addTargets6(sweep[:5]...)
	sweeper := b.client(10)
	sweepSrc := b.addr6(10)
	b.addAddr(sweeper, sweepSrc+"/64")
	// The scanner lives on a /64 of its own (2001:db8:N:5::/64), routed
	// on the link, so that its prefix holds no one else.
	scanPrefix := b.prefix6(5) + "::/64"
	b.sh("ip", "-6", "addr", "add", b.prefix6(5)+"::1/64", "dev", b.bridge, "nodad")
	scanner := b.client(11)
	var scanAddrs []string
	for i := 0; i < 4; i++ {
		a := netip.MustParseAddr(fmt.Sprintf("%s::%x", b.prefix6(5), 0xa1+i*0x1111)).String()
		scanAddrs = append(scanAddrs, a)
		b.addAddr(scanner, a+"/64")
	}
	b.sh("ip", "-n", scanner, "-6", "route", "add", b.prefix6(0)+"::/64", "dev", "eth0")
	sens := startSensor(t, b.bridge)

	out := b.in(sweeper, 60*time.Second, append([]string{"nmap", "-6", "-n", "-sn"}, sweep...)...)
	if !strings.Contains(out, "(5 hosts up)") {
		t.Errorf("nmap -6 -sn should find the 5 live addresses:\n%s", out)
	}
	inSweeper := func(a *classAlert) bool {
		return a.Source.IP == sweepSrc || slices.Contains(a.Portsnare.Scan.SourceAddresses, sweepSrc)
	}
	waitAlert(sens, 2*judged, inSweeper)

	for i, a := range scanAddrs {
		lo := 1 + i*25
		b.in(scanner, 60*time.Second, "nmap", "-6", "-n", "-sS", "-Pn", "-e", "eth0", "-S", a,
			"-p", fmt.Sprintf("%d-%d", lo, lo+24), target6)
	}
	pfx := netip.MustParsePrefix(scanPrefix)
	inScanner := func(a *classAlert) bool {
		if a.Portsnare.Scan.SourcePrefix == scanPrefix {
			return true
		}
		ip, err := netip.ParseAddr(a.Source.IP)
		return err == nil && pfx.Contains(ip)
	}
	waitAlert(sens, judged, inScanner)
	alerts := classAlerts(t, sens)

	t.Run("ndp-sweep", func(t *testing.T) {
		end := endOf(alerts, inSweeper)
		if end == nil || end.Event.Action != detect.ActionPingsweep || end.Portsnare.Scan.Technique != "ndp" {
			t.Errorf("want a pingsweep (technique ndp) from %s (nmap -6 -sn over 30 on-link addresses, 5 live); alerts:\n%s",
				sweepSrc, dumpAlerts(alerts))
		}
	})
	t.Run("per-64", func(t *testing.T) {
		episodes := map[string]bool{}
		for _, a := range alerts {
			if inScanner(&a) {
				episodes[a.Portsnare.Episode] = true
			}
		}
		end := endOf(alerts, inScanner)
		if len(episodes) != 1 || end == nil || end.Event.Action != detect.ActionPortscan {
			t.Fatalf("want one portscan episode from %s (ports 1-100 split over %v); got %d episodes; alerts:\n%s",
				scanPrefix, scanAddrs, len(episodes), dumpAlerts(alerts))
		}
		sc := end.Portsnare.Scan
		got := slices.Sorted(slices.Values(sc.SourceAddresses))
		want := slices.Sorted(slices.Values(scanAddrs))
		if sc.SourcePrefix != scanPrefix || !slices.Equal(got, want) {
			t.Errorf("source_prefix %q source_addresses %v; want %q and %v: %s", sc.SourcePrefix, got, scanPrefix, want, end)
		}
		// nmap adds a port or two of its own choosing to each run.
		if sc.Ports < 100 {
			t.Errorf("ports %d, want at least 100 (the four slices together): %s", sc.Ports, end)
		}
	})
}

// 7. A distributed scan: eight sources each probe a disjoint slice of
// ports 1-240 of one target in one window. An unrelated scanner that
// scanned the same target earlier, and was alerted on its own, is no
// participant.
func classDistributed(t *testing.T) {
	b := newBed(t, 87)
	isolateNATS(t)
	target := b.addr(1)
	unrelated := b.client(50)
	var nss, sources []string
	for i := 11; i <= 18; i++ {
		nss = append(nss, b.client(i))
		sources = append(sources, b.addr(i))
	}
	sens := startSensor(t, b.bridge)

	b.in(unrelated, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "-p", "1-1000", target)
	if !waitAlert(sens, judged, func(a *classAlert) bool { return a.Source.IP == b.addr(50) }) {
		t.Errorf("the unrelated full scan from %s raised no alert of its own", b.addr(50))
	}
	var waits []func() (string, error)
	for i, ns := range nss {
		lo := 1 + i*30
		waits = append(waits, b.start(ns, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "-p",
			fmt.Sprintf("%d-%d", lo, lo+29), target))
	}
	for i, wait := range waits {
		if out, err := wait(); err != nil {
			t.Fatalf("slice scanner %s: %v\n%s", sources[i], err, out)
		}
	}
	isDistributed := func(a *classAlert) bool { return a.Event.Action == detect.ActionDistributedPortscan }
	waitAlert(sens, judged, isDistributed)
	alerts := classAlerts(t, sens)

	episodes := map[string]bool{}
	known := map[string]bool{}
	for _, a := range alerts {
		known[a.Portsnare.Episode] = true
		if isDistributed(&a) {
			episodes[a.Portsnare.Episode] = true
			for _, s := range a.Portsnare.Scan.Sources {
				if !slices.Contains(sources, s) {
					t.Errorf("%s is no participant but is named in sources: %s", s, &a)
				}
			}
		}
	}
	end := endOf(alerts, isDistributed)
	if len(episodes) != 1 || end == nil {
		t.Fatalf("want one distributed-portscan episode against %s; got %d; alerts:\n%s", target, len(episodes), dumpAlerts(alerts))
	}
	got := slices.Sorted(slices.Values(end.Portsnare.Scan.Sources))
	if want := slices.Sorted(slices.Values(sources)); !slices.Equal(got, want) {
		t.Errorf("sources %v, want exactly the 8 slice scanners %v: %s", got, want, end)
	}
	for _, ep := range end.Portsnare.Scan.Episodes {
		if !known[ep] {
			t.Errorf("episodes names %s, which no alert has: %s", ep, end)
		}
	}
}

// 10. Fragmented probes: nmap -f and --mtu 8 split each SYN's TCP header
// over several fragments. Reassembled, they are SYN probes like any.
func classFragments(t *testing.T) {
	b := newBed(t, 88)
	isolateNATS(t)
	target := b.addr(1)
	f, mtu := b.client(10), b.client(11)
	fSrc, mtuSrc := b.addr(10), b.addr(11)
	sens := startSensor(t, b.bridge)

	b.in(f, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "-f", "-p", "1-100", target)
	waitAlert(sens, judged, func(a *classAlert) bool { return a.Source.IP == fSrc })
	b.in(mtu, 60*time.Second, "nmap", "-n", "-sS", "-Pn", "--mtu", "8", "-p", "1-100", target)
	waitAlert(sens, judged, func(a *classAlert) bool { return a.Source.IP == mtuSrc })
	alerts := classAlerts(t, sens)
	for _, c := range []struct{ name, src string }{{"f", fSrc}, {"mtu8", mtuSrc}} {
		t.Run(c.name, func(t *testing.T) {
			end := endOf(alerts, bySource(c.src))
			if end == nil || end.Event.Action != detect.ActionPortscan || end.Portsnare.Scan.Technique != "syn" {
				t.Errorf("want a portscan (technique syn) from %s; alerts:\n%s", c.src, dumpAlerts(alerts))
			}
		})
	}
}
