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

// pcapSource reads classic pcap through pcapgo.Reader.
type pcapSource struct {
	r    *pcapgo.Reader
	link LinkType
}

// newPcapSource reads the link type from the file header itself, because
// pcapgo hands it over as an 8-bit layers.LinkType. The field's upper 16
// bits carry FCS information, not the link type.
func newPcapSource(r *bufio.Reader, magic uint32) (*pcapSource, error) {
	hdr, err := r.Peek(24)
	if err != nil {
		return nil, fmt.Errorf("file header cut short (%d of 24 bytes)", len(hdr))
	}
	var order binary.ByteOrder = binary.BigEndian
	if magic == magicPcapMicroSwapped || magic == magicPcapNanoSwapped {
		order = binary.LittleEndian
	}
	link := LinkType(order.Uint32(hdr[20:24]) & 0xffff)
	pr, err := pcapgo.NewReader(r) // r is already a large bufio.Reader; pcapgo reuses it
	if err != nil {
		return nil, err
	}
	if pr.Snaplen() < maxSnaplen {
		pr.SetSnaplen(maxSnaplen)
	}
	return &pcapSource{r: pr, link: link}, nil
}

func (s *pcapSource) next() ([]byte, time.Time, LinkType, error) {
	data, ci, err := s.r.ZeroCopyReadPacketData()
	return data, ci.Timestamp, s.link, err
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
