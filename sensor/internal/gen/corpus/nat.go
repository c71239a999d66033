package corpus

import "time"

var natEdge = Case{
	Name: "nat-edge-office", Class: "outcomes", Label: "benign",
	Description: "tap outside an office's NAT: 40 Linux and Windows 10 desktops behind one public address " +
		"open 298 connections in two minutes to 170 servers, mostly tcp/443 and tcp/80 with some " +
		"IMAPS, push and alternate HTTPS ports; about 95 % complete a short HTTPS exchange, 2.5 % are refused " +
		"and 2.5 % go unanswered",
	seed: 1101, start: day(10), build: buildNATEdge,
}

// buildNATEdge: seen from outside, a NAT is one source with the breadth of
// a whole office — hundreds of servers in minutes, ports mostly the web's,
// each connection from a desktop's own stack (options, TTL, port
// allocation), and the share of dead servers and closed ports any office
// meets. Servers are picked by popularity, as browsing does: twenty take a
// third of the connections.
func buildNATEdge(c *capture) {
	c.gw = c.host(ip4{198, 18, 95, 254}, linux, 0)
	public := ip4{198, 18, 95, 1}
	var desktops []*node
	for i := range 40 {
		os := windows10
		if i%3 == 0 {
			os = linux
		}
		desktops = append(desktops, c.host(public, os, 0))
	}
	var servers []*node
	for range 400 {
		a := ip4{198, 19, byte(c.rng.IntN(256)), byte(1 + c.rng.IntN(254))}
		servers = append(servers, c.host(a, linux, uint8(8+c.rng.IntN(10))))
	}
	for at := time.Duration(0); at < 2*time.Minute; at += 200*time.Millisecond + c.jitter(400*time.Millisecond) {
		d := desktops[c.rng.IntN(len(desktops))]
		srv := servers[c.rng.IntN(len(servers))]
		if c.rng.IntN(3) == 0 {
			srv = servers[c.rng.IntN(20)]
		}
		port := uint16(443)
		switch r := c.rng.IntN(100); {
		case r < 12:
			port = 80
		case r < 15:
			port = 993
		case r < 17:
			port = 5228
		case r < 19:
			port = 8443
		}
		k := c.dial(d, srv, port)
		rtt := c.wanRTT(10, 120)
		switch r := c.rng.IntN(1000); {
		case r < 25:
			k.refused(at, rtt)
		case r < 50:
			k.unanswered(at)
		default:
			httpsExchange(k, at, rtt)
		}
	}
}

// httpsExchange is a short request and answer on k, seen outside the
// client's NAT, closed by the client. Payloads are zeros: only their
// lengths matter here, and zeros keep the capture small.
func httpsExchange(k *conn, at, rtt time.Duration) {
	at = k.connected(at, rtt) + 300*time.Microsecond
	k.seg(at, true, fPSH, make([]byte, 517))
	at += rtt
	k.seg(at, false, 0, make([]byte, 1448))
	k.seg(at+30*time.Microsecond, false, fPSH, make([]byte, 1200))
	at += time.Millisecond
	k.seg(at, true, fPSH, make([]byte, 180))
	at += rtt
	k.seg(at, false, fPSH, make([]byte, 900))
	at += 5 * time.Millisecond
	k.seg(at, true, fFIN, nil)
	at += rtt
	k.seg(at, false, fFIN, nil)
	k.seg(at+50*time.Microsecond, true, 0, nil)
}
