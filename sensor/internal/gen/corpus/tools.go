package corpus

import (
	"time"

	"github.com/google/gopacket/layers"
)

// Internet-wide scanners mark their probes; these cases carry the marks of
// the current and the previous releases of zmap and masscan.

var zmapNew = Case{
	Name: "zmap-4.1-sweep", Class: "tool", Label: "scan",
	Scanners: []string{"198.18.71.9"},
	Expect:   &Expect{Action: "portsweep", Technique: "syn", Tool: "zmap"},
	Description: "zmap >= 4.1 sweeping tcp/80 over 198.18.70.0/24 behind a router: random IP id, TTL 64, " +
		"window 65535, Windows-style options MSS,NOP,WS,NOP,NOP,SACK, one probe per address in random " +
		"order, a source port per target; 26 SYN-ACK, 51 RST, 179 absent",
	seed: 401, start: day(8), build: func(c *capture) { buildZmap(c, false) },
}

var zmapOld = Case{
	Name: "zmap-2.1-sweep", Class: "tool", Label: "scan",
	Scanners: []string{"198.18.71.9"},
	Expect:   &Expect{Action: "portsweep", Technique: "syn", Tool: "zmap"},
	Description: "zmap before 4.1 (as 2.1.1 in Debian 12) sweeping tcp/80 over 198.18.70.0/24: IP id " +
		"54321, TTL 255, window 65535, no options; otherwise as zmap-4.1-sweep",
	seed: 402, start: day(9), build: func(c *capture) { buildZmap(c, true) },
}

// buildZmap: zmap -p 80 -r 2000 198.18.70.0/24 with an empty blocklist, so
// .0 and .255 are probed too. The address order is a random cyclic-group
// walk; each probe's sequence number and source port (32768-60999) come
// from the validation hash of the target, so each target sees its own
// port. One address in ten runs a web server (Linux or Windows), a quarter
// refuse, the rest are absent and the router answers as its ICMP limit
// allows. The scanner's kernel resets every SYN-ACK.
func buildZmap(c *capture, old bool) {
	c.gw = c.host(ip4{198, 18, 71, 1}, linux, 0)
	scanner := c.host(ip4{198, 18, 71, 9}, linux, 0)
	var absent []quoted
	for i, last := range c.rng.Perm(256) {
		at := time.Duration(i) * 500 * time.Microsecond
		a := ip4{198, 18, 70, byte(last)}
		seq := c.rng.Uint32()
		sport := uint16(32768 + c.rng.IntN(61000-32768))
		h := ipHdr{src: scanner.addr, dst: a, ttl: 64, id: uint16(c.rng.Uint32())}
		t := tcpHdr{sport: sport, dport: 80, seq: seq, flags: fSYN, win: 65535, opts: windowsOpts(8)}
		if old {
			h.ttl, h.id, t.opts = 255, 54321, nil
		}
		probe := c.enc.tcp(h, t, nil)
		switch rtt := 700*time.Microsecond + c.lanRTT(); {
		case last%10 == 3:
			host := c.host(a, linux, 1)
			if last%20 == 13 {
				host.os = windows10
			}
			c.ip(at, scanner, host, probe)
			c.answerSYN(at+rtt, host, scanner, 80, sport, seq, true, t.opts)
			c.kernelRST(at+rtt+40*time.Microsecond, scanner, host, sport, 80, seq+1)
		case last%4 == 1:
			host := c.host(a, linux, 1)
			c.ip(at, scanner, host, probe)
			c.answerSYN(at+rtt, host, scanner, 80, sport, seq, false, nil)
		default:
			host := c.host(a, linux, 1)
			c.ip(at, scanner, host, probe)
			absent = append(absent, quoted{at + 3*time.Second, probe})
		}
	}
	c.unreachables(c.gw, scanner, absent)
}

var masscanNew = Case{
	Name: "masscan-1.3.9-portscan", Class: "tool", Label: "scan",
	Scanners: []string{"198.18.73.9"},
	Expect:   &Expect{Action: "portscan", Technique: "syn", Tool: "masscan"},
	Description: "masscan >= 1.3.9 (late 2023) scanning ports 1-500 of one Linux host behind a router: " +
		"TTL 255, window 1025, MSS as the only option, IP id = dst ^ dport ^ seq, one source port, " +
		"random order, each port once; 22, 80, 443 open",
	seed: 403, start: day(10), build: func(c *capture) { buildMasscan(c, false) },
}

var masscanOld = Case{
	Name: "masscan-1.3.2-portscan", Class: "tool", Label: "scan",
	Scanners: []string{"198.18.73.9"},
	Expect:   &Expect{Action: "portscan", Technique: "syn", Tool: "masscan"},
	Description: "masscan 1.3.2 scanning ports 1-500 of one Linux host: TTL 255, window 1024, no options, " +
		"IP id = dst ^ dport ^ seq; it also resets a third of the RST-ACKs, as recorded",
	seed: 404, start: day(11), build: func(c *capture) { buildMasscan(c, true) },
}

// buildMasscan: masscan -p1-500 --rate 1000 against one host. The port
// order is masscan's BlackRock permutation (random); the sequence number is
// its SYN cookie; the IP id is (dst ^ dport ^ seq) & 0xffff; the source port
// is one picked at start (40000-59999); no DF. An open port's SYN-ACK is
// reset by the scanner's kernel and then by masscan itself (window 1200).
func buildMasscan(c *capture, old bool) {
	c.gw = c.host(ip4{198, 18, 73, 1}, linux, 0)
	scanner := c.host(ip4{198, 18, 73, 9}, linux, 0)
	target := c.host(ip4{198, 18, 72, 2}, linux, 1)
	sport := uint16(40000 + c.rng.IntN(20000))
	win, opts := uint16(1025), []layers.TCPOption{optMSS(1460)}
	if old {
		win, opts = 1024, nil
	}
	id := func(dport uint16, seq uint32) uint16 {
		return uint16(target.addr.uint32() ^ uint32(dport) ^ seq)
	}
	for i, p := range c.ports(1, 500) {
		at := time.Duration(i) * time.Millisecond
		seq := c.rng.Uint32()
		h := ipHdr{src: scanner.addr, dst: target.addr, ttl: 255, id: id(p, seq)}
		c.ip(at, scanner, target, c.enc.tcp(h, tcpHdr{sport: sport, dport: p, seq: seq, flags: fSYN, win: win, opts: opts}, nil))
		rtt := 600*time.Microsecond + c.lanRTT()
		open := p == 22 || p == 80 || p == 443
		c.answerSYN(at+rtt, target, scanner, p, sport, seq, open, opts)
		if open {
			c.kernelRST(at+rtt+40*time.Microsecond, scanner, target, sport, p, seq+1)
		}
		if open || (old && c.rng.IntN(3) == 0) {
			h := ipHdr{src: scanner.addr, dst: target.addr, ttl: 255, id: id(p, seq+1)}
			rst := tcpHdr{sport: sport, dport: p, seq: seq + 1, flags: fRST, win: 1200}
			c.ip(at+rtt+90*time.Microsecond, scanner, target, c.enc.tcp(h, rst, nil))
		}
	}
}
