package sensor

import (
	"encoding/binary"
	"net"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"golang.org/x/net/bpf"
)

// The capture filter is assembled by hand, so these tests run it in
// x/net/bpf's virtual machine, which follows the kernel's classic BPF, on
// frames built as the wire carries them: each must be kept whole (the
// filter returns the snap length) or dropped (0). The filter is portable
// code, so this runs on every system, not only where capture does.

const filterSnap = 256

// filterCase is one frame and whether the filter must keep it.
type filterCase struct {
	name  string
	frame []byte
	keep  bool
}

func filterCases(t *testing.T) []filterCase {
	tcp4 := func(flags string, payload string, opts ...tcpOpt) []byte {
		ls := []gopacket.SerializableLayer{tcp(40000, 80, flags, opts...)}
		if payload != "" {
			ls = append(ls, gopaPayload(payload))
		}
		return v4(t, scanner, target, layers.IPProtocolTCP, ls...)
	}
	syn := tcp4("S", "", optMSS)
	data := tcp4("PA", "GET / HTTP/1.1\r\n")
	udpProbe := v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 53), gopaPayload("q"))
	tiny := split4(syn, 8) // Ethernet frames; nmap -f: 8 bytes of TCP header in each
	runt := eth4(syn)[:14+20+12]

	return []filterCase{
		// TCP probes and the answers that tell their outcome: kept.
		{"syn", eth4(syn), true},
		{"syn-with-data", eth4(tcp4("S", "hello")), true},
		{"syn-ack", eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "SA", optMSS))), true},
		{"rst", eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "R"))), true},
		{"rst-ack", eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "RA"))), true},
		{"fin", eth4(tcp4("F", "")), true},
		{"null", eth4(tcp4("", "")), true},
		{"xmas", eth4(tcp4("FPU", "")), true},
		{"maimon-fin-ack", eth4(tcp4("FA", "")), true},
		// SYN, FIN and RST tell a probe or its outcome with ACK or without,
		// so segments that carry them are kept even with data: a Fast
		// Open SYN-ACK, a closing segment, a RST with diagnostic text.
		{"syn-ack-with-data", eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "SA"), gopaPayload("hi"))), true},
		{"fin-ack-with-data", eth4(tcp4("FPA", "bye")), true},
		{"rst-ack-with-data", eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "RA"), gopaPayload("reset"))), true},
		// Without ACK no segment of a connection carries data, so an odd
		// flag set is kept whatever follows it.
		{"psh-only-with-data", eth4(tcp4("P", "x")), true},
		{"urg-ece-cwr", eth4(tcp4("UEC", "")), true},
		// ACK scans send bare ACKs; the 54-byte frame is padded to 60 on
		// the wire, and the padding is not payload.
		{"bare-ack", eth4(tcp4("A", "")), true},
		{"bare-ack-timestamps", eth4(tcp4("A", "", optNOP, optNOP, optTS)), true},
		// Data segments are bulk: dropped, however small, whatever options
		// the TCP header carries.
		{"data-segment", eth4(data), false},
		{"ack-one-byte", eth4(tcp4("A", "x")), false},
		{"data-timestamps", eth4(tcp4("PA", "payload", optNOP, optNOP, optTS)), false},
		{"data-urgent", eth4(tcp4("UA", "!")), false},
		// Don't-fragment is not a fragment.
		{"data-df", eth4(withDF(data)), false},
		{"syn-df", eth4(withDF(syn)), true},
		// IP options move the TCP header: the filter must find it by IHL.
		{"data-ip-options", eth4(v4Options(t, tcp(40000, 80, "PA"), gopaPayload("GET /"))), false},
		{"bare-ack-ip-options", eth4(v4Options(t, tcp(40000, 80, "A"))), true},
		{"syn-ip-options", eth4(v4Options(t, tcp(40000, 80, "S"))), true},

		// Other IPv4 protocols are kept whole for the decoder.
		{"udp", eth4(udpProbe), true},
		{"icmp-echo", eth4(v4(t, scanner, target, layers.IPProtocolICMPv4, icmp4(8, 0, 7), gopaPayload("ping"))), true},
		{"icmp-unreachable", eth4(v4(t, target, scanner, layers.IPProtocolICMPv4, icmp4(3, 3, 0), quoteOf(udpProbe, 20))), true},
		{"sctp-init", eth4(v4(t, scanner, target, layers.IPProtocolSCTP, sctp(5000, 38412, sctpChunk(layers.SCTPChunkTypeInit))...)), true},
		{"gre", eth4(v4(t, scanner, target, layers.IPProtocolGRE, gopaPayload{0, 0, 0x08, 0})), true},

		// Fragments, first or later, are kept for reassembly: a first
		// fragment may end before the TCP flags.
		{"tiny-first-fragment", tiny[0], true},
		{"middle-fragment", tiny[1], true},
		{"last-fragment", tiny[2], true},
		{"data-segment-first-fragment", split4(data, 16)[0], true},
		{"data-segment-later-fragment", split4(data, 16)[1], true},

		// IPv6, tagged frames and ARP: the decoder judges them.
		{"ipv6-syn", eth6(v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "S"))), true},
		{"ipv6-data", eth6(v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "PA"), gopaPayload("x"))), true},
		{"ipv6-fragment", eth6(v6(t, scanner6, target6, layers.IPProtocolIPv6Fragment, frag6(layers.IPProtocolUDP, 0, true), gopaPayload("12345678"))), true},
		{"icmpv6-echo", eth6(v6(t, scanner6, target6, layers.IPProtocolICMPv6, icmp6(128, 0, 0, 1, 0, 1))), true},
		{"vlan-ipv4-data", ether(etherTypeDot1Q, vlan(5, etherTypeIPv4, data)), true},
		{"qinq-ipv4-syn", ether(etherTypeQinQ, vlan(100, etherTypeDot1Q, vlan(5, etherTypeIPv4, syn))), true},
		{"arp-request", ether(uint16(layers.EthernetTypeARP), arpRequest(t)), true},

		// A frame that ends before the TCP flags cannot be judged: the
		// kernel, like the VM, drops a packet whose load runs past its end.
		{"runt-tcp", runt, false},
	}
}

// TestCaptureFilter: the filter keeps what detection needs and drops bulk
// TCP payload.
func TestCaptureFilter(t *testing.T) {
	vm := filterVM(t, filterProgram(t, false))
	for _, c := range filterCases(t) {
		checkFilter(t, c, runFilter(t, vm, c.frame))
	}
}

// TestCaptureFilterLoopback: on loopback the filter drops the kernel's
// outgoing copy of every packet and otherwise judges as elsewhere. The VM
// has no SKF_AD_PKTTYPE, so the packet type is put in the accumulator by
// a constant load in its place; the jumps that follow are unchanged.
func TestCaptureFilterLoopback(t *testing.T) {
	const (
		packetHost     = 0
		packetOutgoing = 4
	)
	prog := filterProgram(t, true)
	if prog[0] != (bpf.LoadExtension{Num: bpf.ExtType}) {
		t.Fatalf("the loopback filter starts with %v, not the packet type load", prog[0])
	}
	withType := func(pktType uint32) *bpf.VM {
		p := append([]bpf.Instruction(nil), prog...)
		p[0] = bpf.LoadConstant{Dst: bpf.RegA, Val: pktType}
		return filterVM(t, p)
	}
	incoming, outgoing := withType(packetHost), withType(packetOutgoing)
	for _, c := range filterCases(t) {
		checkFilter(t, c, runFilter(t, incoming, c.frame))
		if n := runFilter(t, outgoing, c.frame); n != 0 {
			t.Errorf("%s, outgoing copy on loopback: filter returned %d, want 0", c.name, n)
		}
	}
}

// TestCaptureFilterTestFrames checks the frames the cases rest on: a
// helper that built them differently would make the tests above pass for
// the wrong reason.
func TestCaptureFilterTestFrames(t *testing.T) {
	ip := v4Options(t, tcp(40000, 80, "A"))
	if ihl := int(ip[0]&0x0f) * 4; ihl != 24 {
		t.Errorf("v4Options: IPv4 header of %d bytes, want 24", ihl)
	}
	ack := eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "A")))
	if len(ack) != 60 {
		t.Errorf("bare ACK frame of %d bytes, want 60 (padded)", len(ack))
	}
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	frags := split4(syn, 8)
	first, last := frags[0][14:], frags[len(frags)-1][14:]
	if n := binary.BigEndian.Uint16(first[2:4]); n != 20+8 || first[6]&0x20 == 0 {
		t.Errorf("first fragment: %d bytes, flags %#x; want 28 bytes with MF set", n, first[6])
	}
	if fo := binary.BigEndian.Uint16(last[6:8]); fo&0x2000 != 0 || fo&0x1fff == 0 {
		t.Errorf("last fragment: flags and offset %#x; want MF clear and an offset", fo)
	}
}

func filterProgram(t *testing.T, loopback bool) []bpf.Instruction {
	t.Helper()
	raw, err := captureFilter(filterSnap, loopback)
	if err != nil {
		t.Fatal(err)
	}
	prog, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("the filter does not disassemble")
	}
	return prog
}

func filterVM(t *testing.T, prog []bpf.Instruction) *bpf.VM {
	t.Helper()
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	return vm
}

func runFilter(t *testing.T, vm *bpf.VM, frame []byte) int {
	t.Helper()
	n, err := vm.Run(frame)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func checkFilter(t *testing.T, c filterCase, n int) {
	t.Helper()
	want := 0
	if c.keep {
		want = filterSnap
	}
	if n != want {
		t.Errorf("%s: filter returned %d, want %d (keep=%v)", c.name, n, want, c.keep)
	}
}

// v4Options serializes an IPv4 packet from scanner to target with a
// 4-byte router alert option, so that its header is 24 bytes.
func v4Options(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	ip := &layers.IPv4{Version: 4, TTL: 51, Id: 0x1234, Protocol: layers.IPProtocolTCP,
		SrcIP: net.ParseIP(scanner).To4(), DstIP: net.ParseIP(target).To4(),
		Options: []layers.IPv4Option{{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}}}
	for _, l := range ls {
		if c, ok := l.(checksummed); ok {
			c.SetNetworkLayerForChecksum(ip)
		}
	}
	return serialize(t, append([]gopacket.SerializableLayer{ip}, ls...)...)
}

// arpRequest is an IPv4-over-Ethernet ARP request from scanner for target.
func arpRequest(t *testing.T) []byte {
	t.Helper()
	return serialize(t, &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
		SourceHwAddress: []byte{0, 0x66, 0x77, 0x88, 0x99, 0xaa}, SourceProtAddress: net.ParseIP(scanner).To4(),
		DstHwAddress: make([]byte, 6), DstProtAddress: net.ParseIP(target).To4(),
	})
}

// The case names are how a failure is read: they must be unique.
func TestCaptureFilterCaseNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range filterCases(t) {
		if seen[c.name] || strings.TrimSpace(c.name) == "" {
			t.Errorf("case name %q repeated or empty", c.name)
		}
		seen[c.name] = true
	}
}
