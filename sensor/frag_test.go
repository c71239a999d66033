package sensor

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// frag4 cuts one fragment out of a serialized, unfragmented IPv4 packet:
// its header (DF kept) with the data bytes [off, off+n), as an Ethernet
// frame.
func frag4(ip []byte, off, n int, more bool) []byte {
	ihl := int(ip[0]&0x0f) * 4
	f := append(append([]byte(nil), ip[:ihl]...), ip[ihl+off:ihl+off+n]...)
	binary.BigEndian.PutUint16(f[2:4], uint16(len(f)))
	fo := uint16(off/8) | binary.BigEndian.Uint16(ip[6:8])&0x4000
	if more {
		fo |= 0x2000
	}
	binary.BigEndian.PutUint16(f[6:8], fo)
	return eth4(f)
}

// frag6Of cuts one fragment out of a serialized IPv6 packet without
// extension headers in its unfragmentable part: everything after the fixed
// header is fragmentable, as RFC 8200 has it for destination options meant
// for the final destination.
func frag6Of(ip []byte, id uint32, off, n int, more bool) []byte {
	f := append([]byte(nil), ip[:40]...)
	f[6] = ip6Fragment
	binary.BigEndian.PutUint16(f[4:6], uint16(8+n))
	fh := frag6ID(layers.IPProtocol(ip[6]), uint16(off/8), more, id)
	f = append(append(f, fh...), ip[40+off:40+off+n]...)
	return eth6(f)
}

// split cuts a packet's data into fragments of size bytes (the last takes
// the rest), with cut being frag4 or frag6Of.
func split(data int, size int, cut func(off, n int, more bool) []byte) [][]byte {
	var out [][]byte
	for off := 0; off < data; off += size {
		n := min(size, data-off)
		out = append(out, cut(off, n, off+n < data))
	}
	return out
}

func split4(ip []byte, size int) [][]byte {
	return split(len(ip)-int(ip[0]&0x0f)*4, size, func(off, n int, more bool) []byte { return frag4(ip, off, n, more) })
}

func split6(ip []byte, id uint32, size int) [][]byte {
	return split(len(ip)-40, size, func(off, n int, more bool) []byte { return frag6Of(ip, id, off, n, more) })
}

// reorder returns the packets in the order of the indexes given.
func reorder(ps [][]byte, order ...int) [][]byte {
	out := make([][]byte, len(order))
	for i, j := range order {
		out[i] = ps[j]
	}
	return out
}

// decodeWhole is what a fresh Decoder makes of one packet.
func decodeWhole(t *testing.T, data []byte) (outcome, *recorder) {
	t.Helper()
	var rec recorder
	d := NewDecoder(&rec)
	d.Decode(LinkTypeEthernet, testTime, data)
	return outcomeOf(d.Stats()), &rec
}

// fragCases are fragmented packets with the whole packet they split.
func fragCases(t testing.TB) []struct {
	name  string
	whole []byte
	frags [][]byte
} {
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	nmapT2 := withDF(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "", nmapOSOptions...)))
	synData := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"), gopaPayload("hello"))
	rst := v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "RA"))
	udpProbe := v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 161), gopaPayload("public"))
	bigUDP := v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 53), gopaPayload(strings.Repeat("x", 1000)))
	echo := v4(t, scanner, target, layers.IPProtocolICMPv4, icmp4(8, 0, 0x4242), gopaPayload("ping data"))
	unreach := v4(t, target, scanner, layers.IPProtocolICMPv4, icmp4(3, 3, 0), quoteOf(udpProbe, 20))
	init := v4(t, scanner, target, layers.IPProtocolSCTP, sctp(5000, 38412, sctpChunk(layers.SCTPChunkTypeInit))...)
	gre := v4(t, scanner, target, layers.IPProtocolGRE, gopaPayload(strings.Repeat("g", 24)))
	syn6 := v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	udp6 := v6(t, scanner6, target6, layers.IPProtocolIPv6Destination, ext6(layers.IPProtocolUDP), udp(40000, 500), gopaPayload("data"))
	echo6 := v6(t, scanner6, target6, layers.IPProtocolICMPv6, icmp6(128, 0, 0x42, 0x42, 0, 1, 'p', 'i', 'n', 'g'))

	type fc = struct {
		name  string
		whole []byte
		frags [][]byte
	}
	return []fc{
		{"v4/syn-8", eth4(syn), split4(syn, 8)},
		{"v4/syn-16", eth4(syn), split4(syn, 16)},
		{"v4/syn-8-reversed", eth4(syn), reorder(split4(syn, 8), 2, 1, 0)},
		{"v4/syn-8-middle-first", eth4(syn), reorder(split4(syn, 8), 1, 2, 0)},
		{"v4/syn-8-last-first", eth4(syn), reorder(split4(syn, 8), 2, 0, 1)},
		{"v4/nmap-os-t2-8", eth4(nmapT2), split4(nmapT2, 8)},
		{"v4/syn-payload-16", eth4(synData), split4(synData, 16)},
		{"v4/rst-8", eth4(rst), split4(rst, 8)},
		{"v4/udp-8", eth4(udpProbe), split4(udpProbe, 8)},
		{"v4/udp-large-first-fragment", eth4(bigUDP), split4(bigUDP, 504)},
		{"v4/echo-8", eth4(echo), split4(echo, 8)},
		{"v4/unreachable-8", eth4(unreach), split4(unreach, 8)},
		{"v4/sctp-init-8", eth4(init), split4(init, 8)},
		{"v4/ipproto-gre-8", eth4(gre), split4(gre, 8)},
		{"v6/syn-8", eth6(syn6), split6(syn6, 7, 8)},
		{"v6/syn-8-reversed", eth6(syn6), reorder(split6(syn6, 7, 8), 2, 1, 0)},
		{"v6/udp-ext-header-split-8", eth6(udp6), split6(udp6, 8, 8)},
		{"v6/echo-8", eth6(echo6), split6(echo6, 9, 8)},
	}
}

// TestReassembly decodes fragmented packets: each datagram must come out
// exactly once, as its unfragmented packet does, marked FPFragmented.
func TestReassembly(t *testing.T) {
	for _, c := range fragCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want, whole := decodeWhole(t, c.whole)
			if want != outProbe && want != outReply {
				t.Fatalf("the whole packet decodes to %s", want)
			}
			var rec recorder
			d := NewDecoder(&rec)
			for i, f := range c.frags {
				d.Decode(LinkTypeEthernet, testTime, f)
				if n := len(rec.probes) + len(rec.replies); n > 0 && i < len(c.frags)-1 && c.name != "v4/udp-large-first-fragment" {
					t.Fatalf("datagram decoded after %d of %d fragments", i+1, len(c.frags))
				}
			}
			st := d.Stats()
			checkInvariant(t, st)
			n := uint64(len(c.frags))
			if st.Fragments != n || st.Reassembled != 1 || st.Ignored != n-1 || st.ReassemblyTimeouts+st.ReassemblyEvictions != 0 {
				t.Fatalf("stats %+v", st)
			}
			switch want {
			case outProbe:
				w := whole.probes[0]
				w.FP |= detect.FPFragmented
				if len(rec.probes) != 1 || len(rec.replies) != 0 || rec.probes[0] != w {
					t.Fatalf("probes %+v\nwant   %+v", rec.probes, w)
				}
			case outReply:
				if len(rec.replies) != 1 || len(rec.probes) != 0 || rec.replies[0] != whole.replies[0] {
					t.Fatalf("replies %+v\nwant    %+v", rec.replies, whole.replies[0])
				}
			}
		})
	}
}

// TestReassemblyOverlap: the first copy of overlapping data wins, a
// contradicting last fragment is not believed, and nothing after the
// datagram was decoded changes or repeats it.
func TestReassemblyOverlap(t *testing.T) {
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	fin := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "F", optMSS))
	_, whole := decodeWhole(t, eth4(fin))
	want := whole.probes[0]
	want.FP |= detect.FPFragmented

	shortLast := frag4(syn, 16, 4, false) // claims the datagram ends at 20, not 24
	var rec recorder
	d := NewDecoder(&rec)
	for _, f := range [][]byte{
		frag4(fin, 8, 16, false), // bytes 8-24 with FIN: first copy of the flags
		frag4(syn, 8, 8, true),   // SYN over them: loses
		shortLast,                // contradicts the length: not believed
		frag4(syn, 0, 16, true),  // bytes 0-8 new, 8-16 loses again; completes
		frag4(syn, 0, 8, true),   // after completion: ignored
		frag4(syn, 16, 8, false),
	} {
		d.Decode(LinkTypeEthernet, testTime, f)
	}
	st := d.Stats()
	checkInvariant(t, st)
	if len(rec.probes) != 1 || rec.probes[0] != want {
		t.Fatalf("probes %+v\nwant   %+v", rec.probes, want)
	}
	if st.Fragments != 6 || st.Reassembled != 1 || st.Ignored != 5 {
		t.Fatalf("stats %+v", st)
	}
}

// TestReassemblyTimeout: a datagram missing a fragment is given up 30 s of
// packet time after its first fragment, and counted; within that time it
// completes.
func TestReassemblyTimeout(t *testing.T) {
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	fs := split4(syn, 8)
	other := v4(t, scanner, "198.18.0.3", layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))

	var rec recorder
	d := NewDecoder(&rec)
	at := func(s time.Duration, f []byte) { d.Decode(LinkTypeEthernet, testTime.Add(s), f) }
	at(0, fs[0])
	at(0, fs[2])
	at(29*time.Second, frag4(other, 0, 8, true))
	if st := d.Stats(); st.ReassemblyTimeouts != 0 {
		t.Fatalf("timed out early: %+v", st)
	}
	at(31*time.Second, frag4(other, 8, 8, true))
	st := d.Stats()
	if st.ReassemblyTimeouts != 1 {
		t.Fatalf("timeouts %d, want 1: %+v", st.ReassemblyTimeouts, st)
	}
	// The missing fragment now starts a datagram of its own, which lacks
	// the others: no probe.
	at(31*time.Second, fs[1])
	if len(rec.probes) != 0 {
		t.Fatalf("probe from an expired datagram: %+v", rec.probes)
	}

	// Slow but within the time: complete.
	d = NewDecoder(&rec)
	at(0, fs[0])
	at(20*time.Second, fs[1])
	at(29*time.Second, fs[2])
	if st := d.Stats(); len(rec.probes) != 1 || st.Reassembled != 1 || st.ReassemblyTimeouts != 0 {
		t.Fatalf("probes %+v, stats %+v", rec.probes, st)
	}
	checkInvariant(t, d.Stats())
}

// synFrags returns the three 8-byte fragments of a SYN with IP id id.
func synFrags(t testing.TB, id uint16) [][]byte {
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	binary.BigEndian.PutUint16(syn[4:6], id)
	return split4(syn, 8)
}

// TestReassemblyTableFull: when every slot is taken, the oldest datagram
// gives way, a decoded one before one still collecting, and is counted.
func TestReassemblyTableFull(t *testing.T) {
	var rec recorder
	d := NewDecoder(&rec)
	at := func(i int, f []byte) { d.Decode(LinkTypeEthernet, testTime.Add(time.Duration(i)*time.Millisecond), f) }
	for i := range fragSlots {
		at(i, synFrags(t, uint16(i))[0])
	}
	if st := d.Stats(); st.ReassemblyEvictions != 0 {
		t.Fatalf("evicted before the table was full: %+v", st)
	}
	at(fragSlots, synFrags(t, fragSlots)[0])
	if st := d.Stats(); st.ReassemblyEvictions != 1 {
		t.Fatalf("evictions %d, want 1", st.ReassemblyEvictions)
	}
	// Datagram 1 is still there and completes.
	for _, f := range synFrags(t, 1)[1:] {
		at(fragSlots+1, f)
	}
	if len(rec.probes) != 1 || rec.probes[0].IPID != 1 {
		t.Fatalf("probes %+v, want datagram 1's", rec.probes)
	}
	// Datagram 0 gave way: its late fragments start over without its
	// start, in the slot datagram 1 left (a decoded datagram gives way
	// first, uncounted), and complete nothing.
	for _, f := range synFrags(t, 0)[1:] {
		at(fragSlots+2, f)
	}
	if st := d.Stats(); st.ReassemblyEvictions != 1 || st.Reassembled != 1 || len(rec.probes) != 1 {
		t.Fatalf("stats %+v, probes %+v", st, rec.probes)
	}
	checkInvariant(t, d.Stats())

	// A decoded datagram gives way before one still collecting.
	rec = recorder{}
	d = NewDecoder(&rec)
	for _, f := range synFrags(t, 1000) {
		at(0, f)
	}
	for i := range fragSlots {
		at(i+1, synFrags(t, uint16(i))[0])
	}
	if st := d.Stats(); st.ReassemblyEvictions != 0 || len(rec.probes) != 1 {
		t.Fatalf("stats %+v, probes %d", st, len(rec.probes))
	}
}

// TestReassemblyFlood: many more datagrams than slots, none complete: no
// crash, every fragment counted once, every datagram given up counted.
func TestReassemblyFlood(t *testing.T) {
	var rec recorder
	d := NewDecoder(&rec)
	const n = 20 * fragSlots
	for i := range n {
		d.Decode(LinkTypeEthernet, testTime.Add(time.Duration(i)*time.Second/100), synFrags(t, uint16(i))[1])
	}
	st := d.Stats()
	checkInvariant(t, st)
	if st.Fragments != n || st.Ignored != n || len(rec.probes) != 0 {
		t.Fatalf("stats %+v", st)
	}
	if got := st.ReassemblyEvictions + st.ReassemblyTimeouts; got != n-fragSlots {
		t.Fatalf("given up %d, want %d: %+v", got, n-fragSlots, st)
	}
}

// TestReassemblyMalformed: fragments no stack sends are errors, counted,
// and a datagram that does not reassemble into something readable is one
// too.
func TestReassemblyMalformed(t *testing.T) {
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	farOff := frag4(syn, 0, 24, false)
	binary.BigEndian.PutUint16(farOff[14+6:14+8], 8189) // data at 65512, ending past 65535
	inner := v6(t, scanner6, target6, layers.IPProtocolIPv6Fragment, frag6ID(layers.IPProtocolUDP, 0, true, 5), udp(1, 2), gopaPayload("nested"))
	badOffset := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"))
	badOffset[20+12] = 0xf0 // TCP data offset 15: a 60-byte header in a 20-byte datagram
	cases := []struct {
		name  string
		frags [][]byte
		want  outcome // of the last fragment
	}{
		{"empty", [][]byte{frag4(syn, 0, 0, true)}, outError},
		{"not-multiple-of-8", [][]byte{frag4(syn, 0, 12, true)}, outError},
		{"past-64k", [][]byte{farOff}, outError},
		{"fragment-in-fragment", split6(inner, 6, 8), outError},
		{"tcp-header-past-datagram", split4(badOffset, 8), outError},
		{"tcp-header-cut-short", split4(syn, 8)[:2], outIgnored},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec recorder
			d := NewDecoder(&rec)
			var before DecodeStats
			for _, f := range c.frags {
				before = d.Stats()
				d.Decode(LinkTypeEthernet, testTime, f)
			}
			st := d.Stats()
			checkInvariant(t, st)
			if got := outcomeOf(st.sub(before)); got != c.want {
				t.Fatalf("last fragment: %s, want %s (%+v)", got, c.want, st)
			}
			if len(rec.probes)+len(rec.replies) != 0 || st.Fragments != uint64(len(c.frags)) {
				t.Fatalf("stats %+v, probes %+v", st, rec.probes)
			}
		})
	}
}

// TestReassemblySnapLength: a capture's snap length cuts fragments as it
// cuts packets. The bytes it kept are all there will be, so the datagram is
// decoded from them as a cut packet would be: a large datagram's first
// fragment still gives its probe, and a transport header cut short counts
// as truncated, once.
func TestReassemblySnapLength(t *testing.T) {
	big6 := v6(t, scanner6, target6, layers.IPProtocolUDP, udp(40000, 53), gopaPayload(strings.Repeat("x", 1000)))
	vlan6 := func(f []byte) []byte { return ether(etherTypeDot1Q, vlan(5, etherTypeIPv6, f[14:])) }
	_, whole := decodeWhole(t, vlan6(eth6(big6))[:192])
	want := whole.probes[0]
	want.FP |= detect.FPFragmented

	var rec recorder
	d := NewDecoder(&rec)
	fs := split6(big6, 11, 504)
	d.Decode(LinkTypeEthernet, testTime, vlan6(fs[0])[:192]) // 192-18-48 = 126 bytes of the datagram
	if st := d.Stats(); len(rec.probes) != 1 || rec.probes[0] != want || st.Reassembled != 1 {
		t.Fatalf("probes %+v\nwant   %+v\nstats %+v", rec.probes, want, st)
	}
	for _, f := range fs[1:] {
		d.Decode(LinkTypeEthernet, testTime, vlan6(f)[:192])
	}
	if st := d.Stats(); len(rec.probes) != 1 || st.Ignored != uint64(len(fs)-1) {
		t.Fatalf("stats %+v", st)
	}

	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	for name, frags := range map[string][][]byte{
		"first-fragment-cut":  {frag4(syn, 0, 8, true)[:14+20+4], frag4(syn, 8, 8, true), frag4(syn, 16, 8, false)},
		"middle-fragment-cut": {frag4(syn, 16, 8, false), frag4(syn, 8, 8, true)[:14+20+4], frag4(syn, 0, 8, true)},
	} {
		var rec recorder
		d := NewDecoder(&rec)
		for _, f := range frags {
			d.Decode(LinkTypeEthernet, testTime, f)
		}
		st := d.Stats()
		checkInvariant(t, st)
		if st.Truncated != 1 || st.Ignored != 2 || st.Reassembled != 1 || len(rec.probes) != 0 {
			t.Errorf("%s: stats %+v", name, st)
		}
	}
}

// TestReassemblyNDPIgnored: RFC 6980 has nodes drop fragmented neighbour
// discovery, so a fragmented solicitation probes nothing.
func TestReassemblyNDPIgnored(t *testing.T) {
	ns := withHopLimit(v6(t, "fe80::10", "ff02::1:ff00:2", layers.IPProtocolICMPv6, icmp6(135, 0, nsBody(target6)...)), 255)
	var rec recorder
	d := NewDecoder(&rec)
	for _, f := range split6(ns, 3, 8) {
		d.Decode(LinkTypeEthernet, testTime, f)
	}
	if st := d.Stats(); st.Reassembled != 1 || st.Ignored != st.Packets || len(rec.probes) != 0 {
		t.Fatalf("stats %+v, probes %+v", st, rec.probes)
	}
}

// TestReassemblyLinks: fragments behind 802.1Q and cooked headers
// reassemble like any other.
func TestReassemblyLinks(t *testing.T) {
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	var rec recorder
	d := NewDecoder(&rec)
	for i, f := range split4(syn, 8) {
		ip := f[14:]
		switch i {
		case 0:
			d.Decode(LinkTypeEthernet, testTime, ether(etherTypeDot1Q, vlan(100, etherTypeIPv4, ip)))
		case 1:
			d.Decode(LinkTypeLinuxSLL2, testTime, sll2(0, 1, etherTypeIPv4, ip))
		default:
			d.Decode(LinkTypeRaw, testTime, ip[:binary.BigEndian.Uint16(ip[2:4])])
		}
	}
	if len(rec.probes) != 1 || rec.probes[0].FP&detect.FPFragmented == 0 {
		t.Fatalf("probes %+v", rec.probes)
	}
}

// BenchmarkReassembly measures fragments of nmap -f SYNs; one op is one
// fragment. Each datagram comes 31 s of packet time after the last, so the
// table expires it and reassembles the next anew.
func BenchmarkReassembly(b *testing.B) {
	frags := synFrags(b, 7)
	d := NewDecoder(nopHandler{})
	ts := testTime
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%len(frags) == 0 {
			ts = ts.Add(31 * time.Second)
		}
		d.Decode(LinkTypeEthernet, ts, frags[i%len(frags)])
		i++
	}
}

// TestReplayFragmentedScan replays a capture of an nmap -f SYN scan (each
// SYN in three 8-byte fragments, RST answers): every probe reaches the
// engine, and the summary counts the fragments.
func TestReplayFragmentedScan(t *testing.T) {
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	const ports = 200
	var pkts []packet
	for i := range ports {
		port := uint16(i + 1)
		ts := start.Add(time.Duration(i) * 10 * time.Millisecond)
		syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, port, "S", optMSS))
		binary.BigEndian.PutUint16(syn[4:6], uint16(i))
		for _, f := range split4(syn, 8) {
			pkts = append(pkts, packet{link: LinkTypeEthernet, ts: ts, data: f})
		}
		pkts = append(pkts, packet{link: LinkTypeEthernet, ts: ts.Add(time.Millisecond),
			data: eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(port, 40000, "RA")))})
	}
	path := writeFile(t, t.TempDir(), "frag.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts))
	st, err := Replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: testEngine()})
	if err != nil {
		t.Fatal(err)
	}
	d := st.Decode
	if d.Probes != ports || d.Replies != ports || d.Fragments != 3*ports || d.Reassembled != ports || d.Ignored != 2*ports {
		t.Fatalf("decode stats %+v", d)
	}
	var sum bytes.Buffer
	st.Summary(&sum)
	if want := "fragments: 600, 200 datagrams reassembled, 0 given up"; !strings.Contains(sum.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, sum.String())
	}
}
