package corpus

import (
	"time"

	"github.com/google/gopacket/layers"
)

var slowT0 = Case{
	Name: "nmap-T0-slow", Class: "slow", Label: "scan",
	Scanners: []string{"198.18.112.77"},
	Expect:   &Expect{Action: "portscan", Technique: "syn", Tool: "nmap"},
	Description: "nmap -T0 -sS over 40 common ports of one server: one probe every 5 minutes, 3 h 15 min " +
		"from first to last probe, among 3.5 hours of ordinary web and DNS traffic to the same network",
	seed: 701, start: day(16), build: buildSlow,
}

// top40 are 40 of the commonest TCP services, the kind of list a patient
// scanner gives nmap -p.
var top40 = []uint16{21, 22, 23, 25, 53, 80, 81, 110, 111, 113, 135, 139, 143, 179, 199, 443, 445,
	465, 514, 548, 554, 587, 993, 995, 1025, 1026, 1720, 1723, 2000, 3306, 3389, 5060, 5900, 6001,
	8000, 8080, 8443, 8888, 10000, 32768}

// buildSlow: nmap -T0 is serial with a 5-minute scan delay, one source port
// and one sequence number throughout; the target (beside the capture)
// refuses closed ports and answers 22, 80, 443, whose SYN-ACKs the
// scanner's kernel resets a round trip later. Around it, clients behind
// the router use the web server and the DNS server all along.
func buildSlow(c *capture) {
	c.gw = c.host(ip4{198, 18, 110, 1}, linux, 0)
	target := c.host(ip4{198, 18, 110, 2}, linux, 0)
	dns := c.host(ip4{198, 18, 110, 53}, linux, 0)
	scanner := c.host(ip4{198, 18, 112, 77}, linux, 3)
	const span = 210 * time.Minute
	sport, seq := uint16(40000+c.rng.IntN(25000)), c.rng.Uint32()
	rtt := c.wanRTT(3, 6)
	for i, j := range c.rng.Perm(len(top40)) {
		p := top40[j]
		at := 10*time.Minute + time.Duration(i)*5*time.Minute
		c.nmapSYN(at, scanner, target, sport, p, seq)
		open := p == 22 || p == 80 || p == 443
		c.answerSYN(at+40*time.Microsecond, target, scanner, p, sport, seq, open, []layers.TCPOption{optMSS(1460)})
		if open {
			c.kernelRST(at+rtt, scanner, target, sport, p, seq+1)
		}
	}
	c.background(span, []*node{target}, dns, 111)
}

// background is ordinary traffic over span: clients in 198.18.<net>.0/24,
// behind the router, open HTTPS sessions to servers every ~6 minutes and
// ask the DNS server every ~40 s.
func (c *capture) background(span time.Duration, servers []*node, dns *node, net byte) {
	var clients []*node
	for i := range 30 {
		os := linux
		if i%3 == 0 {
			os = windows10
		}
		clients = append(clients, c.host(ip4{198, 18, net, byte(10 + i)}, os, 1))
	}
	for at := c.jitter(time.Minute); at < span; at += 2*time.Minute + c.jitter(8*time.Minute) {
		cl := clients[c.rng.IntN(len(clients))]
		c.tlsSession(c.dial(cl, servers[c.rng.IntN(len(servers))], 443), at, 800*time.Microsecond+c.lanRTT())
	}
	for at := c.jitter(time.Minute); at < span; at += 10*time.Second + c.jitter(60*time.Second) {
		cl := clients[c.rng.IntN(len(clients))]
		sport := cl.nextPort(c)
		q := dnsQuery(uint16(c.rng.Uint32()), names[c.rng.IntN(len(names))])
		c.udp(at, cl, dns, sport, 53, q)
		c.udp(at+300*time.Microsecond, dns, cl, 53, sport, dnsAnswer(q, ip4{198, 19, 200, byte(c.rng.IntN(8))}))
	}
}
