package corpus

import "time"

// ARP that is not a sweep: a sweep asks for many new addresses, mostly
// unanswered, in a short time. A gateway re-asking the same few absent
// addresses for an hour, or a client resolving each host it then talks to,
// is the local link working as designed.

var arpGateway = Case{
	Name: "arp-gateway-refresh", Class: "arp-ndp", Label: "benign",
	Description: "Linux gateway of a /24 over one hour: traffic for 12 decommissioned addresses makes it " +
		"re-ask them every ~45 s (3 broadcast requests 1 s apart, never answered); it refreshes its " +
		"20 live neighbours with unicast probes (broadcast after garbage collection), which they " +
		"answer, and they refresh the gateway in turn",
	seed: 301, start: day(6), build: buildARPGateway,
}

// buildARPGateway: Linux neighbour resolution. Packets for an address not in
// the cache start a resolution of mcast_solicit = 3 broadcast requests,
// retrans_time = 1 s apart; a monitoring system polls 12 retired addresses
// every ~45 s, so the same dozen are re-asked all hour. A live neighbour's
// entry goes stale after reachable_time (15-45 s, randomised), and the next
// packet to it, 5 s of DELAY later, draws a unicast probe to its known MAC
// (target hardware address left zero, as Linux sends it); one in five
// entries has been garbage-collected and is asked by broadcast again.
func buildARPGateway(c *capture) {
	const hour = time.Hour
	gw := c.host(ip4{198, 18, 50, 1}, linux, 0)
	for round := time.Duration(0); round < hour-45*time.Second; round += 45 * time.Second {
		poll := round + c.jitter(4*time.Second)
		for i := range 12 {
			a := ip4{198, 18, 50, byte(200 + i)}
			t := poll + time.Duration(i)*37*time.Millisecond
			for try := range 3 {
				c.arp(t+time.Duration(try)*time.Second, broadcast, arpRequest, gw, mac{}, a)
			}
		}
	}
	for i := range 20 {
		h := c.host(ip4{198, 18, 50, byte(10 + i)}, windows10, 0)
		for at := c.jitter(30 * time.Second); at < hour; {
			dst := h.mac
			if c.rng.IntN(5) == 0 {
				dst = broadcast
			}
			c.arp(at, dst, arpRequest, gw, mac{}, h.addr)
			c.arp(at+c.lanRTT(), gw.mac, arpReply, h, gw.mac, gw.addr)
			at += 15*time.Second + c.jitter(30*time.Second) + 5*time.Second + c.jitter(10*time.Second)
		}
		// Windows refreshes its own entry for the gateway the same way
		// (ReachableTime 15-45 s), mostly confirmed by TCP instead: one
		// probe every minute or two.
		for at := c.jitter(60 * time.Second); at < hour; at += 60*time.Second + c.jitter(60*time.Second) {
			c.arp(at, gw.mac, arpRequest, h, mac{}, gw.addr)
			c.arp(at+c.lanRTT(), h.mac, arpReply, gw, h.mac, h.addr)
		}
	}
}

var arpLANClient = Case{
	Name: "arp-lan-client", Class: "arp-ndp", Label: "benign",
	Description: "Linux client on a flat /24 resolving each of 60 hosts by ARP (every one answers) and " +
		"then completing a TLS exchange with it on tcp/443, one host after the other",
	seed: 302, start: day(7), build: buildARPClient,
}

// buildARPClient: a configuration-management run from a Linux host reaching
// 60 servers on its own segment in turn. Each first packet to a server
// needs its MAC: a broadcast request, the server's unicast reply, then the
// TLS 1.3 exchange. The client closes first; the server's close_notify
// arrives on a closed socket and draws the client kernel's RST, as in the
// recorded benign-fanout case.
func buildARPClient(c *capture) {
	client := c.host(ip4{198, 18, 60, 10}, linux, 0)
	at := time.Duration(0)
	for i := range 60 {
		srv := c.host(ip4{198, 18, 60, byte(100 + i)}, linux, 0)
		c.arp(at, broadcast, arpRequest, client, mac{}, srv.addr)
		at += c.lanRTT()
		c.arp(at, client.mac, arpReply, srv, client.mac, client.addr)
		at += 30 * time.Microsecond
		c.tlsSession(c.dial(client, srv, 443), at, c.lanRTT())
		at += 600*time.Millisecond + c.jitter(400*time.Millisecond)
	}
}

// tlsSession is a short TLS 1.3 exchange on k, the capture beside the
// client, ending with the client's close and the kernel's RST for the
// server's late close_notify. It returns when the RST is sent.
func (c *capture) tlsSession(k *conn, at, rtt time.Duration) time.Duration {
	at = k.connected(at, rtt) + 200*time.Microsecond
	k.seg(at, true, fPSH, c.noise(517)) // ClientHello
	at += rtt
	k.seg(at, false, 0, c.noise(1448)) // ServerHello, certificate, ...
	k.seg(at+20*time.Microsecond, false, fPSH, c.noise(1100))
	k.seg(at+70*time.Microsecond, true, 0, nil)
	at += time.Millisecond
	k.seg(at, true, fPSH, c.noise(80))  // Finished
	k.seg(at, true, fPSH, c.noise(120)) // request
	at += rtt
	k.seg(at, false, fPSH, c.noise(510)) // session tickets
	k.seg(at+2*time.Millisecond, false, fPSH, c.noise(900))
	at += 2*time.Millisecond + 50*time.Microsecond
	k.seg(at, true, 0, nil)
	k.seg(at+100*time.Microsecond, true, fPSH, c.noise(24)) // close_notify
	k.seg(at+110*time.Microsecond, true, fFIN, nil)
	at += rtt
	k.seg(at, false, fPSH, c.noise(24))
	at += 50 * time.Microsecond
	// An active reset: RST-ACK acknowledging what was read, not the
	// close_notify.
	rst := tcpHdr{sport: k.cport, dport: k.sport, seq: k.cnxt, ack: k.snxt - 24, flags: fRST | fACK}
	k.send(at, true, rst, k.id(k.cli, false), nil)
	return at
}
