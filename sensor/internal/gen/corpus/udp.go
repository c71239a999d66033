package corpus

import "time"

// udp sends a datagram from an unconnected socket and returns it. Linux
// sets DF on UDP too (path MTU discovery) and then sends IP id 0 from an
// unconnected socket; Windows and lwIP leave DF clear on UDP and take the
// host's next IP id.
func (c *capture) udp(at time.Duration, from, to *node, sport, dport uint16, payload []byte) []byte {
	h := from.ipTo(to, 0)
	if from.os.globalID {
		h.id, h.df = from.nextID(), false
	}
	d := c.enc.udp(h, sport, dport, payload)
	c.ip(at, from, to, d)
	return d
}

// portUnreachable is host's ICMP port unreachable for a datagram that
// crossed hops routers to reach it: the quote shows the datagram as it
// arrived, TTL lowered by each of them.
func (c *capture) portUnreachable(at time.Duration, host, prober *node, datagram []byte, hops uint8) {
	q := append([]byte(nil), datagram...)
	for range hops {
		decTTL(q)
	}
	h := host.ipTo(prober, host.nextID())
	h.df = false // Linux sends ICMP errors without DF
	c.ip(at, host, prober, c.enc.icmpError(h, 3, q))
}

// noise returns n random bytes: encrypted or compressed payload.
func (c *capture) noise(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(c.rng.Uint32())
	}
	return b
}
