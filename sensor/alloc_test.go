package sensor

import (
	"net"
	"testing"
	"time"

	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// TestDecodeDoesNotAllocate holds the decoder to its promise: the packets a
// sensor sees most, and those a scan makes it see, decode without a single
// allocation.
func TestDecodeDoesNotAllocate(t *testing.T) {
	udpProbe := v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 161), gopaPayload("public"))
	packets := map[string]struct {
		link LinkType
		data []byte
	}{
		"syn":                 {LinkTypeEthernet, eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS)))},
		"syn-connect":         {LinkTypeEthernet, eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS, optSACK, optTS, optNOP, optWS)))},
		"rst":                 {LinkTypeEthernet, eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "RA")))},
		"udp":                 {LinkTypeEthernet, eth4(udpProbe)},
		"icmp-unreachable":    {LinkTypeEthernet, eth4(v4(t, target, scanner, layers.IPProtocolICMPv4, icmp4(3, 3, 0), quoteOf(udpProbe, 20)))},
		"icmp6-unreachable":   {LinkTypeEthernet, eth6(v6(t, target6, scanner6, layers.IPProtocolICMPv6, icmp6(1, 4, append([]byte{0, 0, 0, 0}, v6(t, scanner6, target6, layers.IPProtocolUDP, udp(1, 2))...)...)))},
		"syn-v6-vlan":         {LinkTypeEthernet, ether(etherTypeDot1Q, vlan(5, etherTypeIPv6, v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "S"))))},
		"mld-hop-by-hop":      {LinkTypeEthernet, eth6(v6(t, "fe80::1", "ff02::16", layers.IPProtocolIPv6HopByHop, gopaPayload{58, 0, 5, 2, 0, 0, 1, 0}, icmp6(143, 0, make([]byte, 24)...)))},
		"sll2-syn":            {LinkTypeLinuxSLL2, sll2(0, 1, etherTypeIPv4, v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S")))},
		"data-segment":        {LinkTypeEthernet, eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "PA"), gopaPayload("GET / HTTP/1.1\r\n")))},
		"truncated-snaplen":   {LinkTypeEthernet, eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S")))[:14+20+6]},
		"sctp-init":           {LinkTypeEthernet, eth4(v4(t, scanner, target, layers.IPProtocolSCTP, sctp(5000, 2905, sctpChunk(layers.SCTPChunkTypeInit))...))},
		"ipv4-options":        {LinkTypeEthernet, eth4(v4opts(t, "224.0.0.22", layers.IPProtocolIGMP, gopaPayload{0x22, 0, 0, 0, 0, 0, 0, 0}))},
		"ipproto-gre":         {LinkTypeEthernet, eth4(v4(t, scanner, target, layers.IPProtocolGRE))},
		"ndp-solicitation":    {LinkTypeEthernet, eth6(withHopLimit(v6(t, "fe80::10", "ff02::1:ff00:2", layers.IPProtocolICMPv6, icmp6(135, 0, nsBody(target6)...)), 255))},
		"quote-cut-by-sender": {LinkTypeEthernet, eth4(v4(t, target, scanner, layers.IPProtocolICMPv4, icmp4(3, 3, 0), gopaPayload(udpProbe[:24])))},
	}
	d := NewDecoder(nopHandler{})
	for name, p := range packets {
		if n := testing.AllocsPerRun(100, func() { d.Decode(p.link, testTime, p.data) }); n != 0 {
			t.Errorf("%s: %.1f allocations per packet, want 0", name, n)
		}
	}
}

// v4opts serializes an IPv4 packet with a router alert option, as IGMP
// reports carry.
func v4opts(t testing.TB, dst string, proto layers.IPProtocol, payload gopaPayload) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 1, Protocol: proto, SrcIP: net.ParseIP(scanner).To4(), DstIP: net.ParseIP(dst).To4(),
		Options: []layers.IPv4Option{{OptionType: 0x94, OptionLength: 4, OptionData: []byte{0, 0}}}}
	return serialize(t, ip, payload)
}

// TestReassemblyDoesNotAllocate: reassembly works in the Decoder's fixed
// table. Each run sends a fragmented SYN (nmap -f) and a fragmented IPv6
// UDP datagram 31 s of packet time after the last, so every run expires
// the previous datagrams and reassembles anew.
func TestReassemblyDoesNotAllocate(t *testing.T) {
	var frames [][]byte
	frames = append(frames, split4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS)), 8)...)
	frames = append(frames, split6(v6(t, scanner6, target6, layers.IPProtocolUDP, udp(40000, 53), gopaPayload("query")), 7, 8)...)
	var rec countingHandler
	d := NewDecoder(&rec)
	ts := testTime
	n := testing.AllocsPerRun(100, func() {
		ts = ts.Add(31 * time.Second)
		for _, f := range frames {
			d.Decode(LinkTypeEthernet, ts, f)
		}
	})
	if n != 0 {
		t.Errorf("%.1f allocations per fragmented datagram pair, want 0", n)
	}
	if st := d.Stats(); rec.probes != 2*101 || st.Reassembled != 2*101 {
		t.Fatalf("probes %d, stats %+v: the runs did not reassemble", rec.probes, st)
	}
}

// countingHandler counts calls without keeping anything.
type countingHandler struct{ probes, replies int }

func (c *countingHandler) Probe(*detect.Probe) { c.probes++ }
func (c *countingHandler) Reply(*detect.Reply) { c.replies++ }
