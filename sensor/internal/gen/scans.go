package gen

import (
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/google/gopacket/layers"
)

// scanPlan is one scan's packets, laid out on a nominal timeline (one probe
// per millisecond, answers a quarter millisecond later) until place moves
// them into the scan's window of the capture.
type scanPlan struct {
	scan Scan
	pkts []pkt
	// from and to are the window, as fractions of the capture's span.
	from, to float64
}

const (
	nominalStep = time.Millisecond
	rtt         = 250 * time.Microsecond
)

// place stretches the nominal timeline over the plan's window of span.
func (p *scanPlan) place(span time.Duration) {
	from := time.Duration(p.from * float64(span))
	width := time.Duration((p.to - p.from) * float64(span))
	nominal := time.Duration(p.scan.Probes) * nominalStep
	for i := range p.pkts {
		p.pkts[i].at = from + time.Duration(float64(p.pkts[i].at)/float64(nominal)*float64(width))
	}
}

// planScans lays out the embedded scans, one after the other, each in its
// own stretch of the capture.
func planScans(rng *rand.Rand) []*scanPlan {
	return []*scanPlan{
		synPortscan(rng, 0.10, 0.25),
		synSweep(rng, 0.30, 0.45),
		udpPortscan(rng, 0.50, 0.65),
		pingSweep(rng, 0.70, 0.85),
	}
}

func addr(a [4]byte) netip.Addr { return netip.AddrFrom4(a) }

// synPortscan is nmap -sS against one server: 1000 ports in random order,
// raw SYNs with window 1024 and MSS alone; the server answers closed ports
// with RST-ACK and its open ports (22, 80, 443) with SYN-ACK, which the
// scanner's kernel resets.
func synPortscan(rng *rand.Rand, from, to float64) *scanPlan {
	scanner, target := [4]byte{198, 18, 100, 10}, [4]byte{198, 18, 1, 5}
	ports := rng.Perm(1000)
	p := &scanPlan{from: from, to: to, scan: Scan{Kind: "syn-portscan", Scanner: addr(scanner),
		Target: addr(target), Hosts: 1, Ports: len(ports), Probes: len(ports)}}
	sport := uint16(40000 + rng.IntN(20000))
	ttl := uint8(37 + rng.IntN(28))
	for i, port0 := range ports {
		port := uint16(port0 + 1)
		at := time.Duration(i) * nominalStep
		seq := rng.Uint32()
		p.pkts = append(p.pkts, pkt{at: at, src: scanner, dst: target, proto: layers.IPProtocolTCP,
			ttl: ttl, ipid: uint16(rng.Uint32()), sport: sport, dport: port, flags: fSYN, seq: seq, win: 1024, opts: optsMSS})
		reply := pkt{at: at + rtt, src: target, dst: scanner, proto: layers.IPProtocolTCP, ttl: 64,
			sport: port, dport: sport, ack: seq + 1}
		switch port {
		case 22, 80, 443:
			reply.flags, reply.seq, reply.win, reply.opts = fSYN|fACK, rng.Uint32(), 65160, optsFull
			p.pkts = append(p.pkts, reply, pkt{at: at + 2*rtt, src: scanner, dst: target,
				proto: layers.IPProtocolTCP, ttl: 64, sport: sport, dport: port, flags: fRST, seq: seq + 1})
		default:
			reply.flags = fRST | fACK
			p.pkts = append(p.pkts, reply)
		}
		p.scan.Replies++
	}
	return p
}

// synSweep is masscan against port 445 of a /23: random order, TTL 255,
// window 1024, no options, IP id derived from the destination. A tenth of
// the hosts answer RST-ACK, one in fifty SYN-ACK; the rest are silent.
func synSweep(rng *rand.Rand, from, to float64) *scanPlan {
	scanner := [4]byte{198, 18, 100, 20}
	var hosts [][4]byte
	for i := range 512 {
		if b := byte(i); b != 0 && b != 255 {
			hosts = append(hosts, [4]byte{198, 18, byte(128 + i/256), b})
		}
	}
	rng.Shuffle(len(hosts), func(i, j int) { hosts[i], hosts[j] = hosts[j], hosts[i] })
	p := &scanPlan{from: from, to: to, scan: Scan{Kind: "syn-sweep", Scanner: addr(scanner),
		Target: addr([4]byte{198, 18, 128, 1}), Hosts: len(hosts), Ports: 1, Probes: len(hosts)}}
	const port, sport = 445, 61000
	for i, h := range hosts {
		at := time.Duration(i) * nominalStep
		seq := rng.Uint32()
		ipid := uint16(h[2])<<8 | uint16(h[3])
		p.pkts = append(p.pkts, pkt{at: at, src: scanner, dst: h, proto: layers.IPProtocolTCP,
			ttl: 255, ipid: ipid ^ port ^ uint16(seq), sport: sport, dport: port, flags: fSYN, seq: seq, win: 1024})
		reply := pkt{at: at + rtt, src: h, dst: scanner, proto: layers.IPProtocolTCP, ttl: 128,
			sport: port, dport: sport, ack: seq + 1}
		switch n := rng.IntN(100); {
		case n < 10:
			reply.flags = fRST | fACK
			p.pkts = append(p.pkts, reply)
		case n < 12:
			reply.flags, reply.seq, reply.win, reply.opts = fSYN|fACK, rng.Uint32(), 64240, optsFull
			p.pkts = append(p.pkts, reply, pkt{at: at + 2*rtt, src: scanner, dst: h,
				proto: layers.IPProtocolTCP, ttl: 255, sport: sport, dport: port, flags: fRST, seq: seq + 1})
		default:
			continue
		}
		p.scan.Replies++
	}
	return p
}

// udpPortscan is nmap -sU -r against one server: ports 1-200 in order, empty
// datagrams; DNS and NTP answer, nine in ten of the other ports draw an
// ICMP port unreachable, the rest are lost to ICMP rate limiting.
func udpPortscan(rng *rand.Rand, from, to float64) *scanPlan {
	scanner, target := [4]byte{198, 18, 100, 30}, [4]byte{198, 18, 1, 7}
	const n = 200
	p := &scanPlan{from: from, to: to, scan: Scan{Kind: "udp-portscan", Scanner: addr(scanner),
		Target: addr(target), Hosts: 1, Ports: n, Probes: n}}
	sport := uint16(40000 + rng.IntN(20000))
	b := newBuilder()
	answer := make([]byte, 48)
	for i := range n {
		port := uint16(i + 1)
		at := time.Duration(i) * nominalStep
		probe := pkt{at: at, src: scanner, dst: target, proto: layers.IPProtocolUDP, ttl: 46,
			ipid: uint16(rng.Uint32()), sport: sport, dport: port}
		p.pkts = append(p.pkts, probe)
		switch {
		case port == 53 || port == 123:
			p.pkts = append(p.pkts, pkt{at: at + rtt, src: target, dst: scanner, proto: layers.IPProtocolUDP,
				ttl: 64, sport: port, dport: sport, payload: answer})
		case rng.IntN(10) < 9:
			quote, err := b.quote(&probe)
			if err != nil {
				panic(err) // a fixed, valid packet: cannot fail
			}
			p.pkts = append(p.pkts, pkt{at: at + rtt, src: target, dst: scanner, proto: layers.IPProtocolICMPv4,
				ttl: 64, icmpType: 3, icmpCode: 3, payload: quote})
		default:
			continue
		}
		p.scan.Replies++
	}
	return p
}

// pingSweep is nmap -sn over a /24: echo requests in address order with one
// identifier; a third of the hosts answer.
func pingSweep(rng *rand.Rand, from, to float64) *scanPlan {
	scanner := [4]byte{198, 18, 100, 40}
	const n = 254
	p := &scanPlan{from: from, to: to, scan: Scan{Kind: "ping-sweep", Scanner: addr(scanner),
		Target: addr([4]byte{198, 18, 200, 1}), Hosts: n, Ports: 1, Probes: n}}
	id := uint16(rng.Uint32())
	data := make([]byte, 56)
	for i := range n {
		h := [4]byte{198, 18, 200, byte(i + 1)}
		at := time.Duration(i) * nominalStep
		p.pkts = append(p.pkts, pkt{at: at, src: scanner, dst: h, proto: layers.IPProtocolICMPv4, ttl: 64,
			ipid: uint16(rng.Uint32()), icmpType: 8, icmpID: id, icmpSeq: uint16(i), payload: data})
		if i%3 == 0 {
			p.pkts = append(p.pkts, pkt{at: at + rtt, src: h, dst: scanner, proto: layers.IPProtocolICMPv4,
				ttl: 64, icmpType: 0, icmpID: id, icmpSeq: uint16(i), payload: data})
			p.scan.Replies++
		}
	}
	return p
}
