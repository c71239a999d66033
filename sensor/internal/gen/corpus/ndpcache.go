package corpus

import "time"

var ndpRouter = Case{
	Name: "ndp-router-refresh", Class: "arp-ndp", Label: "benign",
	Description: "Linux IPv6 router of a /64 over 30 minutes: traffic for 12 retired addresses makes it " +
		"solicit them every ~45 s (3 multicast neighbour solicitations 1 s apart, never answered); " +
		"its 12 live neighbours answer its unicast reachability probes and solicit it in turn",
	seed: 303, start: day(18), build: buildNDPRouter,
}

// buildNDPRouter is arp-gateway-refresh's IPv6 counterpart: Linux NDP
// (RFC 4861) with the same timers. A new resolution sends mcast_solicit = 3
// solicitations to the target's solicited-node group, 1 s apart, from the
// router's global address with its link-layer address option; a stale
// live entry gets a unicast probe to the cached MAC, answered by a
// solicited NA without the target link-layer option (the probe was not
// multicast). The hosts resolve the router the same way; its answers carry
// the router flag.
func buildNDPRouter(c *capture) {
	const span = 30 * time.Minute
	prefix := ip6{0x20, 0x01, 0x0d, 0xb8, 0, 0x50}
	addr := func(iid uint16) ip6 {
		a := prefix
		a[14], a[15] = byte(iid>>8), byte(iid)
		return a
	}
	router, rmac := addr(1), macOf(ip4{198, 18, 50, 1})
	send := func(at time.Duration, dst, src mac, datagram []byte) {
		c.frame(at, ether(dst, src, etherIPv6, datagram))
	}
	for round := time.Duration(0); round < span-45*time.Second; round += 45 * time.Second {
		poll := round + c.jitter(4*time.Second)
		for i := range 12 {
			t := addr(uint16(0x200 + i))
			g := solicitedNode(t)
			for try := range 3 {
				at := poll + time.Duration(i)*37*time.Millisecond + time.Duration(try)*time.Second
				send(at, multicastMAC(g), rmac, c.enc.ns(router, g, t, rmac))
			}
		}
	}
	for i := range 12 {
		h, hmac := addr(uint16(0x10+i)), macOf(ip4{198, 18, 51, byte(10 + i)})
		for at := c.jitter(30 * time.Second); at < span; {
			send(at, hmac, rmac, c.enc.ns(router, h, h, rmac))
			send(at+c.lanRTT(), rmac, hmac, c.enc.na(h, router, h, naSolicited|naOverride, nil))
			at += 15*time.Second + c.jitter(30*time.Second) + 5*time.Second + c.jitter(10*time.Second)
		}
		for at := c.jitter(60 * time.Second); at < span; at += 60*time.Second + c.jitter(60*time.Second) {
			send(at, rmac, hmac, c.enc.ns(h, router, router, hmac))
			send(at+c.lanRTT(), hmac, rmac, c.enc.na(router, h, router, naRouter|naSolicited|naOverride, nil))
		}
	}
}
