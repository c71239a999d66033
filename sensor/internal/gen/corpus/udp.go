package corpus

import "time"

// udp sends a datagram from an unconnected socket and returns it. Windows
// and lwIP take the host's next IP id; Linux sends id 0 on DF datagrams of
// unconnected sockets.
func (c *capture) udp(at time.Duration, from, to *node, sport, dport uint16, payload []byte) []byte {
	var id uint16
	if from.os.globalID {
		id = from.nextID()
	}
	d := c.enc.udp(from.ipTo(to, id), sport, dport, payload)
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
