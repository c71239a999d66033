package corpus

import (
	"time"

	"github.com/google/gopacket/layers"
)

var distributed = Case{
	Name: "distributed-portscan", Class: "distributed", Label: "scan",
	Scanners: []string{"198.19.30.5", "198.19.31.12", "198.19.32.19", "198.19.33.26", "198.19.34.33",
		"198.19.35.40", "198.19.36.47", "198.19.37.54", "198.19.38.61", "198.19.39.68"},
	Expect: &Expect{Action: "distributed-portscan"},
	Description: "10 Internet sources each SYN-probing a disjoint slice of 3 of 30 ports of one server " +
		"within a minute (dnmap-style: nmap on each node); an hour earlier 3 unrelated clients " +
		"failed on the same server (3306, 5432, 8080, ports in the scan's set) and must not be named",
	seed: 801, start: day(17), build: buildDistributed,
}

// dist30 are the ports the distributed scan splits among its nodes.
var dist30 = []uint16{21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521,
	1723, 2049, 3306, 3389, 5060, 5432, 5900, 6379, 8080, 8443, 9200, 11211, 27017}

// buildDistributed: a distributed nmap hands each of 10 nodes 3 ports; each
// runs nmap -sS on its slice (its own source port and sequence number),
// starting within the same minute. An hour before, a Linux app server
// retried MySQL three times, another client PostgreSQL twice, and a
// Windows client 8080 once (re-sent twice after the RST, as Windows does);
// the server was in ordinary use all along.
func buildDistributed(c *capture) {
	c.gw = c.host(ip4{198, 18, 120, 1}, linux, 0)
	target := c.host(ip4{198, 18, 120, 2}, linux, 0)
	dns := c.host(ip4{198, 18, 120, 53}, linux, 0)
	failures := []struct {
		a     ip4
		os    *stack
		port  uint16
		tries int
	}{
		{ip4{198, 18, 121, 15}, linux, 3306, 3},
		{ip4{198, 18, 121, 16}, linux, 5432, 2},
		{ip4{198, 18, 121, 17}, windows10, 8080, 1},
	}
	for i, f := range failures {
		cl := c.host(f.a, f.os, 1)
		at := 2*time.Minute + time.Duration(i)*40*time.Second
		for range f.tries {
			c.dial(cl, target, f.port).refused(at, 800*time.Microsecond+c.lanRTT())
			at += 30*time.Second + c.jitter(20*time.Second)
		}
	}
	ports := make([]uint16, len(dist30))
	for i, j := range c.rng.Perm(len(dist30)) {
		ports[i] = dist30[j]
	}
	mss := []layers.TCPOption{optMSS(1460)}
	for k := range 10 {
		src := c.host(ip4{198, 19, byte(30 + k), byte(5 + 7*k)}, linux, uint8(12+c.rng.IntN(7)))
		sport, seq := uint16(40000+c.rng.IntN(25000)), c.rng.Uint32()
		rtt := c.wanRTT(30, 160)
		at := 62*time.Minute + c.jitter(50*time.Second)
		for _, p := range ports[3*k : 3*k+3] {
			at += 300*time.Microsecond + c.jitter(2*time.Millisecond)
			c.nmapSYN(at, src, target, sport, p, seq)
			open := p == 22 || p == 80 || p == 443
			c.answerSYN(at+40*time.Microsecond, target, src, p, sport, seq, open, mss)
			if open {
				c.kernelRST(at+rtt, src, target, sport, p, seq+1)
			}
		}
	}
	c.background(65*time.Minute, []*node{target}, dns, 122)
}
