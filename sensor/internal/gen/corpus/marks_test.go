package corpus

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
)

// These tests hold the cases to the packet-level behaviour their comments
// promise.

var (
	winOpts = []layers.TCPOptionKind{layers.TCPOptionKindMSS, layers.TCPOptionKindNop, layers.TCPOptionKindWindowScale,
		layers.TCPOptionKindNop, layers.TCPOptionKindNop, layers.TCPOptionKindSACKPermitted}
	mssOnly = []layers.TCPOptionKind{layers.TCPOptionKindMSS}
)

// decoded caches each case's packets: building and decoding every case
// once keeps the tests quick under -race.
var decoded = map[string][]packet{}

func packets(t *testing.T, c Case) []packet {
	t.Helper()
	if ps, ok := decoded[c.Name]; ok {
		return ps
	}
	ps := decode(t, c.Pcap())
	decoded[c.Name] = ps
	return ps
}

func syns(ps []packet, src string) []packet {
	var out []packet
	for _, p := range ps {
		if p.proto == layers.IPProtocolTCP && p.flags == fSYN && p.src == netip.MustParseAddr(src) {
			out = append(out, p)
		}
	}
	return out
}

// attempt is a (source port, ISN) pair: Windows' re-sends repeat it.
type attempt struct {
	sport uint16
	seq   uint32
}

func attempts(ss []packet) map[attempt][]packet {
	m := map[attempt][]packet{}
	for _, s := range ss {
		k := attempt{s.sport, s.seq}
		m[k] = append(m[k], s)
	}
	return m
}

func TestWindowsResends(t *testing.T) {
	ss := syns(packets(t, windowsVertical), "198.18.10.5")
	ids := map[uint16]bool{}
	for _, s := range ss {
		if s.ttl != 128 || !s.df || s.win != 64240 || !slices.Equal(s.opts, winOpts) {
			t.Fatalf("not a Windows 10 SYN: %+v", s)
		}
		ids[s.id] = true
	}
	if len(ids) != len(ss) {
		t.Error("re-sent SYNs should take new IP ids from the host's counter")
	}
	byCount := map[int]int{}
	dports := map[uint16]bool{}
	for _, a := range attempts(ss) {
		byCount[len(a)]++
		dports[a[0].dport] = true
		for i := 1; i < len(a); i++ {
			if gap := a[i].at.Sub(a[i-1].at); gap < 500*time.Millisecond || gap > 520*time.Millisecond {
				t.Errorf("re-send %v after the last", gap)
			}
			if a[i].dport != a[0].dport {
				t.Error("a re-send to another port")
			}
		}
	}
	if byCount[3] != 295 || byCount[1] != 5 || len(dports) != 300 {
		t.Errorf("attempts by SYN count %v over %d ports; want 295 refused ×3, 5 open ×1, 300 ports", byCount, len(dports))
	}

	ss = syns(packets(t, windowsHorizontal), "198.18.12.5")
	silent := 0
	for _, a := range attempts(ss) {
		if a[0].win != 8192 || a[0].dport != 1433 {
			t.Fatalf("not Windows 7's SYN to 1433: %+v", a[0])
		}
		if len(a) == 3 && a[1].at.Sub(a[0].at) == 3*time.Second {
			silent++
			if a[2].at.Sub(a[0].at) != 9*time.Second {
				t.Errorf("Windows 7 retransmits at +3 s and +9 s, not %v", a[2].at.Sub(a[0].at))
			}
		}
	}
	if silent != 8 {
		t.Errorf("%d absent hosts, want 8", silent)
	}

	ss = syns(packets(t, ftpBounce), "198.18.20.21")
	for _, s := range ss {
		if s.sport != 20 || s.dst != netip.MustParseAddr("198.18.20.40") {
			t.Fatalf("an active-mode data connection comes from port 20 to the victim: %+v", s)
		}
	}
	if n := len(attempts(ss)); n != 150 {
		t.Errorf("%d data connections, want 150", n)
	}
}

func TestToolMarks(t *testing.T) {
	for _, tc := range []struct {
		c            Case
		ttl          uint8
		win          uint16
		opts         []layers.TCPOptionKind
		zmapID       bool // 54321
		masscanID    bool // dst ^ dport ^ seq
		onePort      bool
		hosts, ports int
	}{
		{zmapNew, 64, 65535, winOpts, false, false, false, 256, 1},
		{zmapOld, 255, 65535, nil, true, false, false, 256, 1},
		{masscanNew, 255, 1025, mssOnly, false, true, true, 1, 500},
		{masscanOld, 255, 1024, nil, false, true, true, 1, 500},
	} {
		ss := syns(packets(t, tc.c), tc.c.Scanners[0])
		hosts, ports, sports := map[netip.Addr]bool{}, map[uint16]bool{}, map[uint16]bool{}
		for _, s := range ss {
			a := s.dst.As4()
			mid := uint16(ip4(a).uint32() ^ uint32(s.dport) ^ s.seq)
			if s.ttl != tc.ttl || s.win != tc.win || !slices.Equal(s.opts, tc.opts) || s.df ||
				(s.id == 54321) != tc.zmapID || (s.id == mid) != tc.masscanID {
				t.Fatalf("%s: probe %+v", tc.c.Name, s)
			}
			hosts[s.dst], ports[s.dport], sports[s.sport] = true, true, true
		}
		if len(ss) != tc.hosts*tc.ports || len(hosts) != tc.hosts || len(ports) != tc.ports {
			t.Errorf("%s: %d probes to %d hosts, %d ports", tc.c.Name, len(ss), len(hosts), len(ports))
		}
		if tc.onePort != (len(sports) == 1) {
			t.Errorf("%s: %d source ports", tc.c.Name, len(sports))
		}
	}
}

func TestMidflowFirstSeen(t *testing.T) {
	first := map[[4]uint64]bool{}
	n := 0
	for _, p := range packets(t, windowsMidflow) {
		k := [4]uint64{uint64(p.src.As4()[3]), uint64(p.sport), uint64(p.dst.As4()[3]), uint64(p.dport)}
		r := [4]uint64{k[2], k[3], k[0], k[1]}
		if first[k] || first[r] {
			continue
		}
		first[k] = true
		n++
		if p.src != netip.MustParseAddr("198.18.80.10") || p.flags != fACK || len(p.opts) != 0 || p.payload != 0 {
			t.Errorf("first packet of a flow is not the client's bare ACK: %+v", p)
		}
	}
	if n != 50 {
		t.Errorf("%d flows, want 50", n)
	}
}

func TestChallengeACK(t *testing.T) {
	type step struct {
		flags    uint8
		seq, ack uint32
	}
	flows := map[netip.Addr][]step{}
	for _, p := range packets(t, challengeACK) {
		if p.at.Sub(challengeACK.start) < time.Minute {
			continue // before the power cut
		}
		dev := p.src
		if dev == netip.MustParseAddr("198.18.90.2") {
			dev = p.dst
		}
		flows[dev] = append(flows[dev], step{p.flags, p.seq, p.ack})
	}
	if len(flows) != 60 {
		t.Fatalf("%d devices", len(flows))
	}
	for dev, f := range flows {
		syn, chal, rst, again, synAck := f[0], f[1], f[2], f[3], f[4]
		if syn.flags != fSYN || chal.flags != fACK || chal.ack == syn.seq+1 ||
			rst.flags != fRST|fACK || rst.seq != chal.ack || again != syn ||
			synAck.flags != fSYN|fACK || synAck.ack != syn.seq+1 {
			t.Errorf("%v: %+v", dev, f[:5])
		}
	}
}

func TestAnswersOnly(t *testing.T) {
	scanner := netip.MustParseAddr("198.18.101.66")
	acks := map[uint32]int{}
	for _, p := range packets(t, answersTCP) {
		if p.dst != scanner {
			t.Fatalf("a packet to someone else: %+v", p)
		}
		acks[p.ack]++
	}
	if len(acks) != 1 {
		t.Errorf("answers acknowledge %d sequence numbers, want nmap's one", len(acks))
	}
	for _, p := range packets(t, answersUDP) {
		if p.dst != scanner {
			t.Fatalf("a packet to someone else: %+v", p)
		}
		if p.proto == layers.IPProtocolICMPv4 {
			if p.icmpType != 3 || len(p.quoted) < 28 || netip.AddrFrom4([4]byte(p.quoted[12:16])) != scanner {
				t.Errorf("not a port unreachable quoting the scanner's probe: %+v", p)
			}
		}
	}
}

func TestSlowAndDistributed(t *testing.T) {
	ss := syns(packets(t, slowT0), slowT0.Scanners[0])
	for i := 1; i < len(ss); i++ {
		if ss[i].at.Sub(ss[i-1].at) != 5*time.Minute {
			t.Fatalf("probes %v apart", ss[i].at.Sub(ss[i-1].at))
		}
	}
	if len(ss) != 40 || ss[39].at.Sub(ss[0].at) < 3*time.Hour {
		t.Errorf("%d probes over %v", len(ss), ss[len(ss)-1].at.Sub(ss[0].at))
	}

	ps := packets(t, distributed)
	all := map[uint16]bool{}
	var first, last time.Time
	for _, s := range distributed.Scanners {
		ss := syns(ps, s)
		if len(ss) != 3 {
			t.Errorf("%s: %d probes", s, len(ss))
		}
		for _, p := range ss {
			if all[p.dport] {
				t.Errorf("port %d probed twice", p.dport)
			}
			all[p.dport] = true
			if first.IsZero() || p.at.Before(first) {
				first = p.at
			}
			if p.at.After(last) {
				last = p.at
			}
		}
	}
	if len(all) != 30 || last.Sub(first) > time.Minute {
		t.Errorf("%d ports over %v", len(all), last.Sub(first))
	}
	for _, u := range []string{"198.18.121.15", "198.18.121.16", "198.18.121.17"} {
		for _, p := range syns(ps, u) {
			if first.Sub(p.at) < 55*time.Minute || !all[p.dport] {
				t.Errorf("unrelated failure %+v: an hour before, on a port of the scan", p)
			}
		}
	}
}

func TestARP(t *testing.T) {
	asked := map[netip.Addr]int{}
	answered := map[netip.Addr]bool{}
	var span time.Duration
	for _, p := range packets(t, arpGateway) {
		if !p.arp {
			t.Fatal("the gateway case is ARP only")
		}
		asked[p.dst]++
		answered[p.src] = true
		span = p.at.Sub(arpGateway.start)
	}
	absent := 0
	for a, n := range asked {
		if !answered[a] && a != netip.MustParseAddr("198.18.50.1") {
			absent++
			if n < 3*70 {
				t.Errorf("%v asked %d times in an hour", a, n)
			}
		}
	}
	if absent != 12 || span < 59*time.Minute {
		t.Errorf("%d absent addresses over %v", absent, span)
	}

	resolved := map[netip.Addr]bool{}
	for _, p := range packets(t, arpLANClient) {
		switch {
		case p.arp && p.src != netip.MustParseAddr("198.18.60.10"):
			resolved[p.src] = true
		case p.flags == fSYN|fACK && !resolved[p.src]:
			t.Errorf("%v answers before it was resolved", p.src)
		}
	}
	if len(resolved) != 60 {
		t.Errorf("%d hosts resolved", len(resolved))
	}
}

func TestP2PPortPerPeer(t *testing.T) {
	for _, c := range []Case{p2pTorrent, p2pSkype} {
		ports := map[netip.Addr]map[uint16]bool{}
		for _, p := range packets(t, c) {
			if p.proto == layers.IPProtocolICMPv4 || p.arp || p.src.As4()[1] != 18 {
				continue
			}
			if ports[p.dst] == nil {
				ports[p.dst] = map[uint16]bool{}
			}
			ports[p.dst][p.dport] = true
		}
		seen := map[uint16]bool{}
		for peer, ps := range ports {
			for p := range ps {
				if len(ps) != 1 || p <= 1024 || seen[p] {
					t.Errorf("%s: peer %v on ports %v", c.Name, peer, ps)
				}
				seen[p] = true
			}
		}
	}
}

func TestNDP(t *testing.T) {
	asked := map[netip.Addr]int{}
	answered := map[netip.Addr]bool{}
	for _, p := range packets(t, ndpRouter) {
		switch {
		case p.proto != layers.IPProtocolICMPv6 || p.ttl != 255:
			t.Fatalf("not NDP: %+v", p)
		case p.icmpType == layers.ICMPv6TypeNeighborSolicitation && p.dst.IsMulticast():
			asked[p.dst]++
		case p.icmpType == layers.ICMPv6TypeNeighborAdvertisement:
			answered[p.src] = true
		}
	}
	// Only the retired addresses are solicited by multicast: 12 groups,
	// 3 solicitations per ~45 s for 30 minutes.
	if len(asked) != 12 || len(answered) != 13 {
		t.Errorf("%d groups solicited, %d addresses answering", len(asked), len(answered))
	}
	for g, n := range asked {
		if n < 3*38 {
			t.Errorf("%v solicited %d times", g, n)
		}
	}
}
