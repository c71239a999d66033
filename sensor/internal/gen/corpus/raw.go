package corpus

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/gopacket/layers"
)

// Raw-socket scanners build their probes themselves; these are their
// header choices, as their sources and the recorded cases show them.

// nmapSYN is nmap -sS's probe: window 1024, MSS 1460 as the only option, a
// TTL drawn per packet (37-59 as recorded), a random IP id, no DF; one
// source port and one sequence number for the whole scan.
func (c *capture) nmapSYN(at time.Duration, from, to *node, sport, dport uint16, seq uint32) {
	h := ipHdr{src: from.addr, dst: to.addr, ttl: uint8(37+c.rng.IntN(23)) - from.hops, id: uint16(c.rng.Uint32())}
	t := tcpHdr{sport: sport, dport: dport, seq: seq, flags: fSYN, win: 1024, opts: []layers.TCPOption{optMSS(1460)}}
	c.ip(at, from, to, c.enc.tcp(h, t, nil))
}

// kernelRST is what the scanner's own Linux kernel sends when a SYN-ACK
// answers a probe it has no socket for: RST, sequence = the SYN-ACK's
// acknowledgment, window 0, TTL 64, IP id 0, DF.
func (c *capture) kernelRST(at time.Duration, from, to *node, sport, dport uint16, seq uint32) {
	h := ipHdr{src: from.addr, dst: to.addr, ttl: 64 - from.hops, df: true}
	c.ip(at, from, to, c.enc.tcp(h, tcpHdr{sport: sport, dport: dport, seq: seq, flags: fRST}, nil))
}

// answerSYN is a host's answer to a raw SYN probe: SYN-ACK from an open
// port with the options its stack gives a peer that offered probeOpts
// (Linux and Windows answer a lone MSS with MSS alone), RST-ACK from a
// closed one.
func (c *capture) answerSYN(at time.Duration, host, prober *node, port, sport uint16, seq uint32, open bool, probeOpts []layers.TCPOption) {
	h := host.ipTo(prober, 0)
	if host.os.globalID {
		h.id = host.nextID()
	}
	t := tcpHdr{sport: port, dport: sport, ack: seq + 1, flags: fRST | fACK}
	if open {
		t.flags, t.seq, t.win = fSYN|fACK, c.rng.Uint32(), host.os.synAckWin(false)
		t.opts = []layers.TCPOption{optMSS(1460)}
		if len(probeOpts) > 1 {
			t.opts = host.os.synAckOpts(windows10, 0, 0)
		}
	}
	c.ip(at, host, prober, c.enc.tcp(h, t, nil))
}

// hostUnreachable is a Linux router's ICMP host unreachable for a probe to
// an address that did not answer its ARP (3 s after the probe), quoting the
// probe as it held it: TTL already lowered by one.
func (c *capture) hostUnreachable(at time.Duration, router, prober *node, probe []byte) {
	q := append([]byte(nil), probe...)
	decTTL(q)
	h := router.ipTo(prober, router.nextID())
	h.df = false
	c.ip(at, router, prober, c.enc.icmpError(h, 1, q))
}

// quoted is a probe an ICMP error will quote, and when the error is due.
type quoted struct {
	at       time.Duration
	datagram []byte
}

// unreachables sends the router's host unreachables for probes to absent
// addresses, in time order, as many as Linux's ICMP rate limit lets out.
func (c *capture) unreachables(router, prober *node, qs []quoted) {
	slices.SortStableFunc(qs, func(a, b quoted) int { return cmp.Compare(a.at, b.at) })
	var limit icmpLimit
	for _, q := range qs {
		if limit.allow(q.at) {
			c.hostUnreachable(q.at, router, prober, q.datagram)
		}
	}
}

// decTTL lowers an IPv4 header's TTL by one and updates its checksum, as
// a forwarding router does.
func decTTL(ip []byte) {
	ip[8]--
	ip[10], ip[11] = 0, 0
	var sum uint32
	for i := 0; i < int(ip[0]&0x0f)*4; i += 2 {
		sum += uint32(ip[i])<<8 | uint32(ip[i+1])
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	ip[10], ip[11] = byte(^sum>>8), byte(^sum)
}
