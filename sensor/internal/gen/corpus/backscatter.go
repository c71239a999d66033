package corpus

import "time"

var backscatter = Case{
	Name: "backscatter", Class: "answers-only", Label: "benign",
	Description: "edge tap of 198.18.0.0/16 while a server on the Internet is SYN-flooded from addresses " +
		"forged at random: for ten minutes it answers 150 of the forged addresses in the range, each " +
		"on the port the flood hit it on — RST-ACK (sequence 0) from closed ports, SYN-ACK (resent " +
		"twice, never acknowledged) from its web port; nothing is ever sent from the range",
	seed: 1301, start: day(16), build: buildBackscatter,
}

// buildBackscatter: the victim's answers to SYNs it got from forged
// sources arrive at whatever addresses were forged. A random forgery
// spreads them over the Internet; a range gets its share, one address
// and one port at a time, which from the range's side looks like the
// answers to a distributed scan of the victim by the range's hosts.
func buildBackscatter(c *capture) {
	c.gw = c.host(ip4{198, 18, 0, 1}, linux, 0)
	victim := c.host(ip4{198, 19, 200, 80}, linux, 14)
	for i := range 150 {
		at := time.Duration(i)*4*time.Second + c.jitter(3*time.Second)
		forged := c.host(ip4{198, 18, byte(c.rng.IntN(256)), byte(1 + c.rng.IntN(254))}, linux, 0)
		sport := uint16(1024 + c.rng.IntN(64000))
		if c.rng.IntN(5) == 0 {
			// The web port answers, and resends its SYN-ACK twice.
			t := tcpHdr{sport: 80, dport: sport, seq: c.rng.Uint32(), ack: c.rng.Uint32(), flags: fSYN | fACK, win: 64240}
			for r := range 3 {
				d := c.enc.tcp(victim.ipTo(forged, 0), t, nil)
				c.ip(at+time.Duration(r)*time.Second*time.Duration(1<<r), victim, forged, d)
			}
			continue
		}
		port := uint16(1 + c.rng.IntN(65535))
		t := tcpHdr{sport: port, dport: sport, seq: 0, ack: c.rng.Uint32(), flags: fRST | fACK}
		c.ip(at, victim, forged, c.enc.tcp(victim.ipTo(forged, 0), t, nil))
	}
}
