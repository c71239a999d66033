package sensor

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket/pcapgo"
)

// TestPcapSourceMatchesPcapgo: the in-place pcap reader yields exactly
// what pcapgo.Reader yields — every record's bytes and timestamp — in
// both byte orders and both timestamp resolutions.
func TestPcapSourceMatchesPcapgo(t *testing.T) {
	start := time.Date(2024, 3, 1, 10, 0, 0, 123456789, time.UTC)
	pkts := scanPackets(t, start, 50)
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, nano := range []bool{false, true} {
			data := pcapBytes(order, nano, LinkTypeEthernet, pkts)
			path := writeFile(t, t.TempDir(), "x.pcap", data)
			c, err := openCapture(path)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := pcapgo.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				got, ts, link, err := c.src.next()
				want, ci, werr := ref.ZeroCopyReadPacketData()
				if !errors.Is(err, werr) && (err == nil || werr == nil) {
					t.Fatalf("%v nano=%v record %d: error %v, pcapgo %v", order, nano, n, err, werr)
				}
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("record %d: %v", n, err)
					}
					break
				}
				if !bytes.Equal(got, want) || !ts.Equal(ci.Timestamp) || link != LinkTypeEthernet {
					t.Fatalf("%v nano=%v record %d differs: %v vs %v", order, nano, n, ts, ci.Timestamp)
				}
				n++
			}
			c.close()
			if n != len(pkts) {
				t.Fatalf("%d records of %d", n, len(pkts))
			}
		}
	}
}

// TestPcapSourceRefuses: a record cut anywhere is truncation — even right
// after its header, which pcapgo would take for the end of the file — and
// impossible lengths are refused with pcapgo's messages.
func TestPcapSourceRefuses(t *testing.T) {
	pkts := scanPackets(t, time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), 3)
	data := pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts)
	last := len(pkts[len(pkts)-1].data)
	bad := func(edit func([]byte)) []byte {
		b := bytes.Clone(data)
		edit(b[24:]) // the first record's header
		return b
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"cut after a header":   {data[:len(data)-last], io.ErrUnexpectedEOF.Error()},
		"cut in a header":      {data[:len(data)-last-5], io.ErrUnexpectedEOF.Error()},
		"beyond snap length":   {bad(func(h []byte) { binary.LittleEndian.PutUint32(h[8:], maxSnaplen+1) }), "capture length exceeds snap length"},
		"beyond packet length": {bad(func(h []byte) { binary.LittleEndian.PutUint32(h[12:], 10) }), "capture length exceeds original packet length"},
	}
	for name, tc := range cases {
		path := writeFile(t, t.TempDir(), filepath.Base(name)+".pcap", tc.data)
		c, err := openCapture(path)
		if err != nil {
			t.Fatal(err)
		}
		var rerr error
		for rerr == nil {
			_, _, _, rerr = c.src.next()
		}
		c.close()
		if !bytes.Contains([]byte(rerr.Error()), []byte(tc.want)) {
			t.Errorf("%s: %v, want %q", name, rerr, tc.want)
		}
	}
}

// FuzzPcapSource: any bytes after a pcap magic are read to an end —
// records, then an error — without a panic or a record larger than the
// snap length.
func FuzzPcapSource(f *testing.F) {
	pkts := scanPackets(f, time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), 3)
	f.Add(pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts))
	f.Add(pcapBytes(binary.BigEndian, true, LinkTypeEthernet, pkts)[:100])
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		magic := binary.BigEndian.Uint32(data)
		switch magic {
		case magicPcapMicro, magicPcapMicroSwapped, magicPcapNano, magicPcapNanoSwapped:
		default:
			return
		}
		src, err := newPcapSource(bufio.NewReaderSize(bytes.NewReader(data), readBufferSize), magic)
		if err != nil {
			return
		}
		for n := 0; ; n++ {
			rec, _, _, err := src.next()
			if err != nil {
				return
			}
			if len(rec) > maxSnaplen || n > len(data)/16 {
				t.Fatalf("record %d of %d bytes from %d bytes of input", n, len(rec), len(data))
			}
		}
	})
}
