package corpus

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// packet is what the tests check of a captured frame.
type packet struct {
	at       time.Time
	arp      bool
	src, dst netip.Addr
	ttl      uint8
	id       uint16
	df       bool
	proto    layers.IPProtocol

	sport, dport uint16
	flags        uint8
	seq, ack     uint32
	win          uint16
	opts         []layers.TCPOptionKind
	payload      int // transport payload length on the wire

	icmpType uint8
	quoted   []byte // an ICMP error's quote
}

// decode reads a capture back with gopacket.
func decode(t *testing.T, pcap []byte) []packet {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(pcap))
	if err != nil {
		t.Fatal(err)
	}
	var ps []packet
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return ps
		}
		if err != nil {
			t.Fatal(err)
		}
		g := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		p := packet{at: ci.Timestamp}
		if a, ok := g.Layer(layers.LayerTypeARP).(*layers.ARP); ok {
			p.arp = true
			p.src, _ = netip.AddrFromSlice(a.SourceProtAddress)
			p.dst, _ = netip.AddrFromSlice(a.DstProtAddress)
			ps = append(ps, p)
			continue
		}
		if ip6, ok := g.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok {
			p.src, _ = netip.AddrFromSlice(ip6.SrcIP)
			p.dst, _ = netip.AddrFromSlice(ip6.DstIP)
			p.ttl, p.proto = ip6.HopLimit, ip6.NextHeader
			if ic, ok := g.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6); ok {
				p.icmpType = ic.TypeCode.Type()
			}
			ps = append(ps, p)
			continue
		}
		ip, ok := g.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if !ok {
			t.Fatalf("packet %d: neither ARP nor IP", len(ps))
		}
		p.src, _ = netip.AddrFromSlice(ip.SrcIP)
		p.dst, _ = netip.AddrFromSlice(ip.DstIP)
		p.ttl, p.id, p.df, p.proto = ip.TTL, ip.Id, ip.Flags&layers.IPv4DontFragment != 0, ip.Protocol
		switch l := g.Layer(ip.NextLayerType()).(type) {
		case *layers.TCP:
			p.sport, p.dport, p.seq, p.ack, p.win = uint16(l.SrcPort), uint16(l.DstPort), l.Seq, l.Ack, l.Window
			p.flags = l.Contents[13]
			p.payload = int(ip.Length) - int(ip.IHL)*4 - int(l.DataOffset)*4
			for _, o := range l.Options {
				p.opts = append(p.opts, o.OptionType)
			}
		case *layers.UDP:
			p.sport, p.dport = uint16(l.SrcPort), uint16(l.DstPort)
			p.payload = int(l.Length) - 8
		case *layers.ICMPv4:
			p.icmpType = l.TypeCode.Type()
			p.quoted = l.Payload
		}
		ps = append(ps, p)
	}
}
