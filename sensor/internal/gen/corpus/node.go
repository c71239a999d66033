package corpus

import "time"

// node is a host in a capture: its address, its stack, and the state its
// stack keeps across connections.
type node struct {
	addr ip4
	mac  mac
	os   *stack
	// hops counts the routers between the host and the capture point: its
	// packets arrive with TTL lowered by hops, from the gateway's MAC.
	hops uint8
	// ipid is the next IP id of a stack with one counter per host.
	ipid uint16
	// port is the next ephemeral port connect() takes.
	port uint16
	// clock is the host's timestamp clock (ms) at the capture's start.
	clock uint32
}

// host adds a node on the captured segment (hops 0) or behind the gateway.
func (c *capture) host(a ip4, os *stack, hops uint8) *node {
	n := &node{addr: a, mac: macOf(a), os: os, hops: hops,
		ipid: uint16(c.rng.Uint32()), clock: c.rng.Uint32()}
	if os != nil {
		// connect() has been used before: start somewhere in the range.
		n.port = os.ephemeral + uint16(c.rng.IntN(4000))
		if os == lwip {
			n.ipid = uint16(c.rng.IntN(64)) // the counter restarted at boot
		}
	}
	return n
}

// nextPort is the source port of the host's next connect(): Windows and
// lwIP hand them out in sequence; Linux hashes the destination into its
// range, which looks random from outside.
func (n *node) nextPort(c *capture) uint16 {
	if n.os == linux {
		return 32768 + uint16(c.rng.IntN(60999-32768))
	}
	n.port++
	if n.os == windows10 || n.os == windows7 {
		if c.rng.IntN(8) == 0 {
			n.port++ // another process took one in between
		}
	}
	return n.port
}

// nextID is the IP id of the host's next packet on a stack with one counter.
func (n *node) nextID() uint16 {
	n.ipid++
	return n.ipid
}

// tsval is the host's timestamp clock at capture time at, in milliseconds
// (Linux: ms granularity, a random offset per host).
func (n *node) tsval(at time.Duration) uint32 { return n.clock + uint32(at/time.Millisecond) }

// ttl is the TTL the host's packets show at the capture point.
func (n *node) ttl() uint8 { return n.os.ttl - n.hops }

// ipTo is the IPv4 header of a packet from n to dst with id.
func (n *node) ipTo(dst *node, id uint16) ipHdr {
	return ipHdr{src: n.addr, dst: dst.addr, ttl: n.ttl(), id: id, df: n.os.df}
}
