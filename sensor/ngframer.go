package sensor

import (
	"encoding/binary"
	"io"
)

// pcapng block types and the section header's byte-order magic.
const (
	ngBlockSHB       = 0x0a0d0d0a // palindromic: the same in either byte order
	ngBlockIDB       = 1
	ngByteOrderMagic = 0x1a2b3c4d
)

// ngFramer passes a pcapng stream through unchanged while following its
// block structure, for two things pcapgo's NgReader does not give:
//
//   - An end of stream inside a block becomes io.ErrUnexpectedEOF. NgReader
//     reports a capture cut off mid-block as a clean io.EOF, which would
//     hide the damage.
//   - The full 16-bit link type of each interface. gopacket 1.1.19 keeps
//     link types in 8 bits, so LINKTYPE_LINUX_SLL2 (276) reaches the reader
//     as 20; linkType maps the low byte back.
//
// The framer runs ahead of NgReader (by NgReader's buffer), which is fine
// for both: an interface description always precedes its packets.
type ngFramer struct {
	r io.Reader

	hdr   [12]byte         // the current block's leading bytes
	nhdr  int              // how many of them have been seen
	want  int              // how many to collect: 8, 10 for an IDB (link type), 12 for an SHB (byte-order magic)
	left  int64            // bytes of the current block after its leading bytes
	order binary.ByteOrder // of the current section; nil before the first section header
	lost  bool             // the block structure broke; stop following (NgReader reports the damage)

	links [256]LinkType // full link type by its low byte, from the interfaces seen
	known [256]bool
	clash bool // two interfaces' link types share a low byte: linkType may be wrong for one
}

// Read implements io.Reader.
func (f *ngFramer) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if !f.lost {
		f.follow(p[:n])
	}
	if err == io.EOF && !f.lost && (f.nhdr > 0 || f.left > 0) {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// linkType returns the full link type of an interface whose link type
// pcapgo reported as low.
func (f *ngFramer) linkType(low uint8) LinkType {
	if f.known[low] {
		return f.links[low]
	}
	return LinkType(low)
}

// follow advances the block tracking over b.
func (f *ngFramer) follow(b []byte) {
	for len(b) > 0 && !f.lost {
		if f.left > 0 {
			k := min(int64(len(b)), f.left)
			f.left -= k
			b = b[k:]
			continue
		}
		if f.want == 0 {
			f.want = 8 // block type and total length
		}
		k := copy(f.hdr[f.nhdr:f.want], b)
		f.nhdr += k
		b = b[k:]
		if f.nhdr < f.want {
			return
		}
		if f.want == 8 {
			switch {
			case binary.BigEndian.Uint32(f.hdr[0:4]) == ngBlockSHB:
				f.want = 12
				continue
			case f.order != nil && f.order.Uint32(f.hdr[0:4]) == ngBlockIDB:
				f.want = 10
				continue
			}
		}
		f.endLeader()
	}
}

// endLeader interprets a block's complete leading bytes and skips to the
// block's end.
func (f *ngFramer) endLeader() {
	shb := binary.BigEndian.Uint32(f.hdr[0:4]) == ngBlockSHB
	if shb {
		switch {
		case binary.BigEndian.Uint32(f.hdr[8:12]) == ngByteOrderMagic:
			f.order = binary.BigEndian
		case binary.LittleEndian.Uint32(f.hdr[8:12]) == ngByteOrderMagic:
			f.order = binary.LittleEndian
		default:
			f.lost = true
			return
		}
	}
	if f.order == nil {
		f.lost = true
		return
	}
	total := int64(f.order.Uint32(f.hdr[4:8]))
	if total < int64(f.want) || total%4 != 0 {
		f.lost = true
		return
	}
	if !shb && f.order.Uint32(f.hdr[0:4]) == ngBlockIDB {
		f.addLink(LinkType(f.order.Uint16(f.hdr[8:10])))
	}
	f.left = total - int64(f.want)
	f.nhdr, f.want = 0, 8
}

func (f *ngFramer) addLink(l LinkType) {
	low := uint8(l)
	if f.known[low] && f.links[low] != l {
		f.clash = true
	}
	f.links[low], f.known[low] = l, true
}
