package sensor

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Capture files for tests are written by hand where pcapgo cannot write
// what is needed (big-endian files, link types above 255, damaged files)
// and with pcapgo where it can.

// packet is one record of a test capture.
type packet struct {
	link LinkType // pcapng only: picks the interface
	ts   time.Time
	data []byte
}

// pcapBytes returns a classic pcap file.
func pcapBytes(order binary.ByteOrder, nano bool, link LinkType, pkts []packet) []byte {
	var b bytes.Buffer
	magic := uint32(magicPcapMicro)
	if nano {
		magic = magicPcapNano
	}
	hdr := make([]byte, 24)
	order.PutUint32(hdr[0:4], magic)
	order.PutUint16(hdr[4:6], 2)
	order.PutUint16(hdr[6:8], 4)
	order.PutUint32(hdr[16:20], 65535)
	order.PutUint32(hdr[20:24], uint32(link))
	b.Write(hdr)
	for _, p := range pkts {
		rec := make([]byte, 16)
		frac := p.ts.Nanosecond() / 1000
		if nano {
			frac = p.ts.Nanosecond()
		}
		order.PutUint32(rec[0:4], uint32(p.ts.Unix()))
		order.PutUint32(rec[4:8], uint32(frac))
		order.PutUint32(rec[8:12], uint32(len(p.data)))
		order.PutUint32(rec[12:16], uint32(len(p.data)))
		b.Write(rec)
		b.Write(p.data)
	}
	return b.Bytes()
}

// pcapngBytes returns a pcapng file with one interface per distinct link
// type, in order of first use, and microsecond timestamps.
func pcapngBytes(order binary.ByteOrder, pkts []packet) []byte {
	var b bytes.Buffer
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		var h [8]byte
		order.PutUint32(h[0:4], typ)
		order.PutUint32(h[4:8], n)
		b.Write(h[:])
		b.Write(body)
		order.PutUint32(h[0:4], n)
		b.Write(h[:4])
	}
	shb := make([]byte, 16)
	order.PutUint32(shb[0:4], ngByteOrderMagic)
	order.PutUint16(shb[4:6], 1)
	binary.LittleEndian.PutUint64(shb[8:16], ^uint64(0)) // section length unknown
	block(ngBlockSHB, shb)
	ifaces := map[LinkType]uint32{}
	for _, p := range pkts {
		id, ok := ifaces[p.link]
		if !ok {
			id = uint32(len(ifaces))
			ifaces[p.link] = id
			idb := make([]byte, 8)
			order.PutUint16(idb[0:2], uint16(p.link))
			order.PutUint32(idb[4:8], 65535)
			block(ngBlockIDB, idb)
		}
		us := uint64(p.ts.UnixMicro())
		epb := make([]byte, 20, 20+len(p.data))
		order.PutUint32(epb[0:4], id)
		order.PutUint32(epb[4:8], uint32(us>>32))
		order.PutUint32(epb[8:12], uint32(us))
		order.PutUint32(epb[12:16], uint32(len(p.data)))
		order.PutUint32(epb[16:20], uint32(len(p.data)))
		block(6, append(epb, p.data...))
	}
	return b.Bytes()
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// scanPackets is a small SYN portscan with RST answers, one packet per 10 ms
// from start, each probe followed by its answer.
func scanPackets(t testing.TB, start time.Time, ports int) []packet {
	var pkts []packet
	for i := range ports {
		port := uint16(i + 1)
		ts := start.Add(time.Duration(i) * 10 * time.Millisecond)
		pkts = append(pkts,
			packet{link: LinkTypeEthernet, ts: ts, data: eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, port, "S", optMSS)))},
			packet{link: LinkTypeEthernet, ts: ts.Add(time.Millisecond), data: eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(port, 40000, "RA")))})
	}
	return pkts
}

// readAll opens a capture and reads every packet through a Decoder.
func readAll(t testing.TB, path string) (*recorder, DecodeStats, []LinkType, error) {
	t.Helper()
	c, err := openCapture(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer c.close()
	var rec recorder
	d := NewDecoder(&rec)
	var links []LinkType
	for {
		data, ts, link, err := c.src.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return &rec, d.Stats(), links, err
		}
		if len(links) == 0 || links[len(links)-1] != link {
			links = append(links, link)
		}
		d.Decode(link, ts, data)
	}
}

func TestCaptureFormats(t *testing.T) {
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	pkts := scanPackets(t, start, 5)
	pcapLE := pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts)
	ng := pcapngBytes(binary.LittleEndian, pkts)

	// pcapgo's own writer, nanosecond resolution.
	var viaPcapgo bytes.Buffer
	w := pcapgo.NewWriterNanos(&viaPcapgo)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		ci := gopacket.CaptureInfo{Timestamp: p.ts, CaptureLength: len(p.data), Length: len(p.data)}
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	files := map[string]struct {
		data   []byte
		format string
	}{
		"le-micro.pcap":    {pcapLE, "pcap"},
		"be-micro.pcap":    {pcapBytes(binary.BigEndian, false, LinkTypeEthernet, pkts), "pcap"},
		"le-nano.pcap":     {pcapBytes(binary.LittleEndian, true, LinkTypeEthernet, pkts), "pcap"},
		"be-nano.pcap":     {pcapBytes(binary.BigEndian, true, LinkTypeEthernet, pkts), "pcap"},
		"pcapgo-nano.pcap": {viaPcapgo.Bytes(), "pcap"},
		"le.pcapng":        {ng, "pcapng"},
		"be.pcapng":        {pcapngBytes(binary.BigEndian, pkts), "pcapng"},
		"pcap.gz":          {gzipped(t, pcapLE), "pcap+gzip"},
		"pcapng.gz":        {gzipped(t, ng), "pcapng+gzip"},
	}
	for name, f := range files {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, dir, name, f.data)
			c, err := openCapture(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.format != f.format {
				t.Errorf("format %q, want %q", c.format, f.format)
			}
			c.close()
			rec, st, _, err := readAll(t, path)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if st.Packets != 10 || st.Probes != 5 || st.Replies != 5 {
				t.Fatalf("stats %+v, want 10 packets: 5 probes, 5 replies", st)
			}
			for i, p := range rec.probes {
				if want := pkts[2*i].ts; !p.Time.Equal(want) {
					t.Errorf("probe %d at %s, want %s", i, p.Time, want)
				}
			}
		})
	}
}

// TestPcapngMixedLinkTypes reads a pcapng whose interfaces have different
// link types, one of them above 255 (which gopacket 1.1.19 truncates).
func TestPcapngMixedLinkTypes(t *testing.T) {
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	ip := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"))
	pkts := []packet{
		{link: LinkTypeEthernet, ts: ts, data: eth4(ip)},
		{link: LinkTypeLinuxSLL2, ts: ts, data: sll2(0, 1, etherTypeIPv4, ip)},
		{link: LinkTypeRaw, ts: ts, data: ip},
		{link: LinkTypeLinuxSLL, ts: ts, data: sll(0, 1, etherTypeIPv4, ip)},
		{link: LinkTypeLinuxSLL2, ts: ts, data: sll2(0, 1, etherTypeIPv4, ip)},
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		path := writeFile(t, t.TempDir(), "mixed.pcapng", pcapngBytes(order, pkts))
		_, st, links, err := readAll(t, path)
		if err != nil {
			t.Fatal(err)
		}
		want := []LinkType{LinkTypeEthernet, LinkTypeLinuxSLL2, LinkTypeRaw, LinkTypeLinuxSLL, LinkTypeLinuxSLL2}
		if !slices.Equal(links, want) {
			t.Errorf("%v: link types %v, want %v", order, links, want)
		}
		if st.Probes != 5 {
			t.Errorf("%v: stats %+v, want 5 probes", order, st)
		}
	}
}

// TestPcapSLL2 reads a classic pcap of link type 276, which pcapgo reports
// as 20.
func TestPcapSLL2(t *testing.T) {
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	ip := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S"))
	path := writeFile(t, t.TempDir(), "sll2.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeLinuxSLL2,
		[]packet{{ts: ts, data: sll2(0, 1, etherTypeIPv4, ip)}}))
	_, st, links, err := readAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0] != LinkTypeLinuxSLL2 || st.Probes != 1 {
		t.Fatalf("links %v stats %+v, want one SLL2 probe", links, st)
	}
}
