package corpus

import "time"

var tracerouteToServer = Case{
	Name: "traceroute-to-server", Class: "path", Label: "benign",
	Description: "capture beside a public server: ten hosts 6 to 22 routers away trace the route to it " +
		"with Linux traceroute (UDP from port 33434 up, three probes a TTL, the probes with TTL " +
		"past the path arriving with TTL 1 to 6) and four with mtr -u (ten rounds, each probe to " +
		"the next port from 33000, arriving with TTL 1); the server refuses every port a probe reaches",
	seed: 1201, start: day(11), build: buildTracerouteToServer,
}

// buildTracerouteToServer: at an edge tap in front of a public server, a
// traceroute shows only its last probes — those whose TTL outlasted the
// path — each to a new port, each refused: a vertical UDP scan's shape,
// told apart by the TTL the probes arrive with.
func buildTracerouteToServer(c *capture) {
	c.gw = c.host(ip4{198, 18, 110, 1}, linux, 0)
	server := c.host(ip4{198, 18, 110, 10}, linux, 0)
	probe := func(at time.Duration, from *node, arrival uint8, sport, dport uint16) {
		h := ipHdr{src: from.addr, dst: server.addr, ttl: arrival, id: uint16(c.rng.Uint32())}
		d := c.enc.udp(h, sport, dport, make([]byte, 32))
		c.ip(at, from, server, d)
		c.portUnreachable(at+30*time.Microsecond, server, from, d, 0)
	}
	for i := range 10 {
		routers := 6 + c.rng.IntN(17)
		from := c.host(ip4{198, 19, byte(20 + i), byte(1 + c.rng.IntN(254))}, linux, uint8(routers))
		at := time.Duration(i)*time.Minute + c.jitter(30*time.Second)
		// Probes go out 16 at a time, three to a TTL, one more as each is
		// answered: by the time the server answers, up to five TTLs past
		// the path are in flight.
		past := 1 + c.rng.IntN(5)
		sport := uint16(32768 + c.rng.IntN(28000))
		for k := range 3 * past {
			ttl := routers + 1 + k/3
			n := 3*(ttl-1) + k%3 // the probe's place in the run sets its port
			probe(at+time.Duration(k)*3*time.Millisecond, from, uint8(1+k/3), sport+uint16(k), uint16(33434+n))
		}
	}
	for i := range 4 {
		routers := 6 + c.rng.IntN(17)
		from := c.host(ip4{198, 19, byte(40 + i), byte(1 + c.rng.IntN(254))}, linux, uint8(routers))
		at := time.Duration(2+2*i)*time.Minute + c.jitter(30*time.Second)
		sport := uint16(32768 + c.rng.IntN(28000))
		for r := range 10 {
			// Each round probes every TTL once; the port counts the probes.
			seq := r*(routers+1) + routers
			probe(at+time.Duration(r)*time.Second, from, 1, sport, uint16(33000+seq))
		}
	}
}
