package spool

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Record layout; see the package documentation.
const (
	headerSize = 20
	version    = 1
	flagKeep   = 1 << 0
	// MaxRecord is the largest payload accepted. It also bounds the length a
	// damaged header can claim, so a bad length cannot make the loader
	// allocate or skip gigabytes.
	MaxRecord = 1 << 20
)

var (
	magic      = [2]byte{'P', 'S'}
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// appendRecord appends the encoded record to buf.
func appendRecord(buf []byte, seq uint64, keep bool, payload []byte) []byte {
	var h [headerSize]byte
	h[0], h[1] = magic[0], magic[1]
	if keep {
		h[2] = flagKeep
	}
	h[3] = version
	binary.LittleEndian.PutUint32(h[4:], uint32(len(payload)))
	binary.LittleEndian.PutUint64(h[8:], seq)
	crc := crc32.Update(0, castagnoli, h[2:16])
	crc = crc32.Update(crc, castagnoli, payload)
	binary.LittleEndian.PutUint32(h[16:], crc)
	buf = append(buf, h[:]...)
	return append(buf, payload...)
}

// parsed is a record found in a segment's bytes.
type parsed struct {
	seq     uint64
	keep    bool
	size    int // header and payload
	payload []byte
}

// parseRecord decodes the record at the start of b; ok is false when b does
// not start with a complete, intact record.
func parseRecord(b []byte) (r parsed, ok bool) {
	if len(b) < headerSize || b[0] != magic[0] || b[1] != magic[1] || b[3] != version || b[2]&^flagKeep != 0 {
		return r, false
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if n > MaxRecord || int(n) > len(b)-headerSize {
		return r, false
	}
	payload := b[headerSize : headerSize+int(n)]
	crc := crc32.Update(0, castagnoli, b[2:16])
	crc = crc32.Update(crc, castagnoli, payload)
	if crc != binary.LittleEndian.Uint32(b[16:]) {
		return r, false
	}
	return parsed{
		seq:     binary.LittleEndian.Uint64(b[8:]),
		keep:    b[2]&flagKeep != 0,
		size:    headerSize + int(n),
		payload: payload,
	}, true
}

// resync returns the offset in b, after its first byte, of the next intact
// record, or len(b) when there is none: after damage, reading resumes at the
// first record whose header and checksum both hold.
func resync(b []byte) int {
	for i := 1; i < len(b); {
		j := bytes.Index(b[i:], magic[:])
		if j < 0 {
			return len(b)
		}
		i += j
		if _, ok := parseRecord(b[i:]); ok {
			return i
		}
		i++
	}
	return len(b)
}
