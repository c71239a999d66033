package sensor

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// ErrNotCapture is wrapped by the error for a file that is neither pcap nor
// pcapng (plain or gzip-compressed).
var ErrNotCapture = errors.New("not a pcap or pcapng capture")

// File magic numbers: the first four bytes, read big-endian.
const (
	magicPcapMicro        = 0xa1b2c3d4 // pcap, microseconds, big-endian writer
	magicPcapMicroSwapped = 0xd4c3b2a1 // pcap, microseconds, little-endian writer
	magicPcapNano         = 0xa1b23c4d
	magicPcapNanoSwapped  = 0x4d3cb2a1
	magicPcapng           = 0x0a0d0d0a // section header block type
	magicGzip             = 0x1f8b     // first two bytes only
)

const (
	// readBufferSize is large so that the file is read in few system calls.
	readBufferSize = 1 << 20
	// maxSnaplen is the largest packet tcpdump and Wireshark accept. Some
	// writers declare a snap length and then exceed it; pcapgo would reject
	// those packets and lose its place in the file, so the declared snap
	// length is raised to this.
	maxSnaplen = 262144
)

// packetSource yields a capture's packets. The data is valid until the next
// call; err is io.EOF at a clean end.
type packetSource interface {
	next() (data []byte, ts time.Time, link LinkType, err error)
}

// captureFile is an open capture file of either format.
type captureFile struct {
	file   *os.File
	size   int64
	read   *countingReader // bytes read from the file (compressed bytes for gzip)
	format string          // "pcap" or "pcapng", with "+gzip" when compressed
	src    packetSource
	// ng is the pcapng framer, nil for pcap.
	ng *ngFramer
}

// openCapture opens a capture, recognising its format by magic number.
func openCapture(path string) (*captureFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError names the file
	}
	c, err := readCaptureHeader(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return c, nil
}

// readCaptureHeader sniffs gzip, then pcap or pcapng, and sets up the
// matching pcapgo reader. Errors name the file.
func readCaptureHeader(path string, f *os.File) (*captureFile, error) {
	c := &captureFile{file: f, read: &countingReader{r: f}}
	if st, err := f.Stat(); err == nil {
		c.size = st.Size()
	}
	r := bufio.NewReaderSize(c.read, readBufferSize)
	head, _ := r.Peek(4)
	compressed := len(head) >= 2 && binary.BigEndian.Uint16(head) == magicGzip
	if compressed {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", path, err)
		}
		r = bufio.NewReaderSize(zr, readBufferSize)
		head, _ = r.Peek(4)
	}
	if len(head) < 4 {
		return nil, fmt.Errorf("%s: %w (only %d bytes)", path, ErrNotCapture, len(head))
	}
	var err error
	switch magic := binary.BigEndian.Uint32(head); magic {
	case magicPcapMicro, magicPcapMicroSwapped, magicPcapNano, magicPcapNanoSwapped:
		c.format = "pcap"
		c.src, err = newPcapSource(r, magic)
	case magicPcapng:
		c.format = "pcapng"
		c.ng = &ngFramer{r: r}
		c.src, err = newNgSource(c.ng)
	default:
		return nil, fmt.Errorf("%s: %w (magic 0x%08x%s)", path, ErrNotCapture, magic, magicHint(magic))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s header: %w", path, c.format, err)
	}
	if compressed {
		c.format += "+gzip"
	}
	return c, nil
}

// magicHint names formats that are easily mistaken for a capture, so that
// the error says what to do about them.
func magicHint(magic uint32) string {
	switch {
	case magic == 0xa1b2cd34:
		return ": modified pcap, convert it with editcap -F pcap"
	case magic == 0x28b52ffd:
		return ": zstd-compressed, decompress it first"
	case magic == 0xfd377a58:
		return ": xz-compressed, decompress it first"
	case magic>>8 == 0x425a68: // "BZh"
		return ": bzip2-compressed, decompress it first"
	case magic == 0x04224d18:
		return ": lz4-compressed, decompress it first"
	}
	return ""
}

func (c *captureFile) close() error { return c.file.Close() }

// pcapSource reads classic pcap records straight out of the file's large
// bufio.Reader: each record's header and data are peeked in place and the
// buffer is advanced past them, so a packet costs no copy and no call
// through io.ReadFull (pcapgo.Reader copies every packet into a buffer of
// its own, which made reading cost as much as detecting). It accepts and
// refuses what pcapgo.Reader does, with the same errors: io.EOF between
// records, io.ErrUnexpectedEOF inside one, and the same messages for a
// capture length beyond the snap length or the packet's length.
type pcapSource struct {
	r      *bufio.Reader
	order  binary.ByteOrder
	factor uint32 // nanoseconds per unit of the timestamps' fraction
	link   LinkType
}

// newPcapSource reads the file header. The link type is taken from its
// low 16 bits: the upper ones carry FCS information, not the link type.
func newPcapSource(r *bufio.Reader, magic uint32) (*pcapSource, error) {
	hdr, err := r.Peek(24)
	if err != nil {
		return nil, fmt.Errorf("file header cut short (%d of 24 bytes)", len(hdr))
	}
	var order binary.ByteOrder = binary.BigEndian
	if magic == magicPcapMicroSwapped || magic == magicPcapNanoSwapped {
		order = binary.LittleEndian
	}
	s := &pcapSource{r: r, order: order, factor: 1000, link: LinkType(order.Uint32(hdr[20:24]) & 0xffff)}
	if magic == magicPcapNano || magic == magicPcapNanoSwapped {
		s.factor = 1
	}
	if _, err := r.Discard(24); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *pcapSource) next() ([]byte, time.Time, LinkType, error) {
	h, err := s.r.Peek(16)
	if err != nil {
		return nil, time.Time{}, s.link, readErr(len(h), err)
	}
	ts := time.Unix(int64(s.order.Uint32(h[0:4])), int64(s.order.Uint32(h[4:8])*s.factor)).UTC()
	caplen, length := s.order.Uint32(h[8:12]), s.order.Uint32(h[12:16])
	if caplen > maxSnaplen {
		s.r.Discard(16)
		return nil, ts, s.link, fmt.Errorf("capture length exceeds snap length: %d > %d", caplen, maxSnaplen)
	}
	if caplen > length {
		s.r.Discard(16)
		return nil, ts, s.link, fmt.Errorf("capture length exceeds original packet length: %d > %d", caplen, length)
	}
	rec, err := s.r.Peek(16 + int(caplen))
	if err != nil {
		return nil, ts, s.link, readErr(1, err) // the header was there: the record is cut short
	}
	// Discard only moves the buffer's read index: rec stays valid until
	// the next call, as pcapgo's zero-copy data does.
	s.r.Discard(len(rec))
	return rec[16:], ts, s.link, nil
}

// readErr is what io.ReadFull reports after reading n bytes before err.
func readErr(n int, err error) error {
	if n > 0 && errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// ngSource reads pcapng through pcapgo.NgReader, which yields each packet's
// interface link type, so interfaces of different link types mix.
type ngSource struct {
	r  *pcapgo.NgReader
	fr *ngFramer
}

func newNgSource(fr *ngFramer) (*ngSource, error) {
	r, err := pcapgo.NewNgReader(fr, pcapgo.NgReaderOptions{
		WantMixedLinkType:  true,
		SkipUnknownVersion: true,
	})
	if err != nil {
		return nil, err
	}
	return &ngSource{r: r, fr: fr}, nil
}

func (s *ngSource) next() ([]byte, time.Time, LinkType, error) {
	data, ci, err := s.r.ZeroCopyReadPacketData()
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	low, _ := ci.AncillaryData[0].(layers.LinkType)
	return data, ci.Timestamp, s.fr.linkType(uint8(low)), nil
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
