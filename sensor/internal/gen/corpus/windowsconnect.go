package corpus

import "time"

// Windows' connect() re-sends the identical SYN twice after a RST, so every
// refused port shows three SYNs and three RSTs. How a stack retransmits says
// nothing about intent: these are scans all the same.

var windowsVertical = Case{
	Name: "windows-connect-vertical", Class: "windows-retransmit", Label: "scan",
	Scanners: []string{"198.18.10.5"},
	Expect:   &Expect{Action: "portscan", Technique: "connect"},
	Description: "connect() scanner on Windows 10 (TTL 128, DF, window 64240, MSS,NOP,WS,NOP,NOP,SACK) " +
		"against ports 1-300 of a Linux host on the same segment: 295 refused, each SYN re-sent twice " +
		"identically ~0.5 s after its RST; 5 open ports (22, 25, 80, 111, 139) connected and reset",
	seed: 101, start: day(1), build: buildWindowsVertical,
}

// buildWindowsVertical: a vulnerability scanner's port-discovery stage using
// connect() on Windows 10 with 20 sockets in flight: a refused connect()
// takes about a second (two re-sends 500 ms apart), so a new connect() starts
// every 50 ms, each from the next ephemeral port, in random port order. Open
// ports are closed at once with RST-ACK (SO_LINGER 0, no TIME_WAIT).
func buildWindowsVertical(c *capture) {
	scanner := c.host(ip4{198, 18, 10, 5}, windows10, 0)
	target := c.host(ip4{198, 18, 10, 20}, linux, 0)
	// The scanner resolves the target before its first connect().
	c.arp(0, broadcast, arpRequest, scanner, mac{}, target.addr)
	c.arp(c.lanRTT(), scanner.mac, arpReply, target, scanner.mac, scanner.addr)
	open := map[uint16]bool{22: true, 25: true, 80: true, 111: true, 139: true}
	at := 2 * time.Millisecond
	for _, p := range c.ports(1, 300) {
		k := c.dial(scanner, target, p)
		if open[p] {
			k.abort(k.connected(at, c.lanRTT()) + 90*time.Microsecond)
		} else {
			k.refused(at, c.lanRTT())
		}
		at += 45*time.Millisecond + c.jitter(10*time.Millisecond)
	}
}

var windowsHorizontal = Case{
	Name: "windows-connect-horizontal", Class: "windows-retransmit", Label: "scan",
	Scanners: []string{"198.18.12.5"},
	Expect:   &Expect{Action: "portsweep", Technique: "connect"},
	Description: "connect() sweep from Windows 7 (TTL 128, DF, window 8192, MSS,NOP,WS 2,NOP,NOP,SACK) " +
		"of tcp/1433 over 60 hosts behind a router: 47 refuse (each SYN re-sent twice identically), " +
		"5 accept, 8 absent (SYN retransmitted at +3 s and +9 s, router's host unreachable, rate-limited)",
	seed: 102, start: day(2), build: buildWindowsHorizontal,
}

// buildWindowsHorizontal: a script on a Windows 7 admin host looking for SQL
// Servers: connect() to 1433 on 198.18.13.1-60 in address order, a new one
// every 40 ms. The hosts sit behind the segment's router (one hop): Linux
// hosts refuse, five Windows SQL Servers accept, absent addresses make the
// router answer each SYN with ICMP host unreachable once its 3 s of ARP
// fail, within Linux's ICMP rate limit.
func buildWindowsHorizontal(c *capture) {
	c.gw = c.host(ip4{198, 18, 12, 1}, linux, 0)
	scanner := c.host(ip4{198, 18, 12, 5}, windows7, 0)
	var dead []quoted
	at := time.Duration(0)
	for i := byte(1); i <= 60; i++ {
		a := ip4{198, 18, 13, i}
		switch {
		case i%12 == 3:
			srv := c.host(a, windows10, 1)
			k := c.dial(scanner, srv, 1433)
			k.abort(k.connected(at, 600*time.Microsecond+c.lanRTT()) + 120*time.Microsecond)
		case i%7 == 0:
			k := c.dial(scanner, c.host(a, linux, 1), 1433)
			sends, _ := windows7.synTimes()
			for _, off := range sends {
				dead = append(dead, quoted{at + off + 3*time.Second, k.syn(at + off)})
			}
		default:
			k := c.dial(scanner, c.host(a, linux, 1), 1433)
			k.refused(at, 600*time.Microsecond+c.lanRTT())
		}
		at += 35*time.Millisecond + c.jitter(10*time.Millisecond)
	}
	c.unreachables(c.gw, scanner, dead)
}
