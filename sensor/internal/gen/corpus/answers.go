package corpus

import (
	"time"

	"github.com/google/gopacket/layers"
)

// A tap on an asymmetric path may see only the target's side of a scan.
// The answers name the prober exactly (the RST's destination port and
// acknowledgment, the ICMP error's quote), so the prober is the one to
// flag; the target only answered.

var answersTCP = Case{
	Name: "answers-only-tcp", Class: "answers-only", Label: "scan",
	Scanners: []string{"198.18.101.66"},
	Expect:   &Expect{Action: "portscan"},
	Description: "only the target's side of nmap -sS -p 1-503: 500 RST-ACKs (id 0, window 0, ack = the " +
		"scan's one sequence number + 1) and 3 SYN-ACKs, all to one address and source port; the " +
		"probes took another path",
	seed: 601, start: day(14), build: buildAnswersTCP,
}

// buildAnswersTCP: nmap -T4 -sS -p 1-503 from a scanner behind the router;
// the capture is on the target's outbound path only. nmap keeps one source
// port and one sequence number for the scan, so every answer acknowledges
// the same number.
func buildAnswersTCP(c *capture) {
	c.gw = c.host(ip4{198, 18, 100, 1}, linux, 0)
	target := c.host(ip4{198, 18, 100, 2}, linux, 0)
	scanner := c.host(ip4{198, 18, 101, 66}, linux, 1)
	sport, seq := uint16(40000+c.rng.IntN(25000)), c.rng.Uint32()
	mss := []layers.TCPOption{optMSS(1460)}
	at := time.Duration(0)
	for _, p := range c.ports(1, 503) {
		at += 1500*time.Microsecond + c.jitter(time.Millisecond)
		open := p == 22 || p == 80 || p == 443
		c.answerSYN(at, target, scanner, p, sport, seq, open, mss)
	}
}

var answersUDP = Case{
	Name: "answers-only-udp", Class: "answers-only", Label: "scan",
	Scanners: []string{"198.18.101.66"},
	Expect:   &Expect{Action: "portscan"},
	Description: "only the target's side of nmap -sU --top-ports 100: ICMP port unreachables quoting " +
		"the probes (within Linux's ICMP rate limit, so nmap re-sends from source port +2) and one " +
		"DNS answer",
	seed: 602, start: day(15), build: buildAnswersUDP,
}

// udpTop100 are 100 common UDP ports, as nmap's --top-ports 100 lists them
// (order does not matter: nmap shuffles them).
var udpTop100 = []uint16{7, 9, 17, 19, 49, 53, 67, 68, 69, 80, 88, 111, 120, 123, 135, 136, 137, 138,
	139, 158, 161, 162, 177, 427, 443, 445, 497, 500, 514, 515, 518, 520, 593, 623, 626, 631, 996,
	997, 998, 999, 1022, 1023, 1025, 1026, 1027, 1028, 1029, 1030, 1433, 1434, 1645, 1646, 1701,
	1718, 1719, 1812, 1813, 1900, 2000, 2048, 2049, 2222, 2223, 3283, 3456, 3703, 4444, 4500, 5000,
	5060, 5353, 5632, 9200, 10000, 17185, 20031, 30718, 31337, 32768, 32769, 32771, 32815, 33281,
	49152, 49153, 49154, 49156, 49181, 49182, 49185, 49186, 49188, 49190, 49191, 49192, 49193,
	49194, 49200, 49201, 65024}

// buildAnswersUDP: nmap -sU against a Linux host that answers closed ports
// with ICMP port unreachable, limited to a burst of 6 and then one a
// second. nmap sends empty datagrams (its payloads for 53 and 123), learns
// the limit and settles to about one probe a second, re-sending an
// unanswered probe up to twice from source port +2 each time. The capture
// holds only what the target sends.
func buildAnswersUDP(c *capture) {
	c.gw = c.host(ip4{198, 18, 100, 1}, linux, 0)
	target := c.host(ip4{198, 18, 100, 2}, linux, 0)
	scanner := c.host(ip4{198, 18, 101, 66}, linux, 1)
	base := uint16(40000 + c.rng.IntN(25000))
	type probe struct {
		port uint16
		try  int
	}
	var queue []probe
	for _, i := range c.rng.Perm(len(udpTop100)) {
		queue = append(queue, probe{port: udpTop100[i]})
	}
	var limit icmpLimit
	at := time.Duration(0)
	for n := 0; len(queue) > 0; n++ {
		p := queue[0]
		queue = queue[1:]
		if n < 10 {
			at += 5 * time.Millisecond
		} else {
			at += 950*time.Millisecond + c.jitter(200*time.Millisecond)
		}
		sport := base + 2*uint16(p.try)
		var payload []byte
		switch p.port {
		case 53: // DNS server status request
			payload = []byte{0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0}
		case 123: // NTP v4 client request
			payload = append([]byte{0xe3}, make([]byte, 47)...)
		}
		h := ipHdr{src: scanner.addr, dst: target.addr, ttl: uint8(37+c.rng.IntN(23)) - 1, id: uint16(c.rng.Uint32())}
		datagram := c.enc.udp(h, sport, p.port, payload)
		switch {
		case p.port == 53:
			// The server answers the status request: NOTIMP.
			c.udp(at+60*time.Microsecond, target, scanner, 53, sport, []byte{0, 0, 0x90, 0x04, 0, 0, 0, 0, 0, 0, 0, 0})
		case limit.allow(at):
			c.portUnreachable(at+40*time.Microsecond, target, scanner, datagram, 0)
		case p.try < 2:
			queue = append(queue, probe{p.port, p.try + 1})
		}
	}
}
