package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

const ackedName = "acked"

// ackedFile records the last delivered sequence number: 8 bytes of it and
// 4 of their CRC, rewritten in place at every Done. A write that small is
// one sector, so it is not torn in practice; if it ever were, the CRC fails
// and the spool sends everything pending again, which the broker's
// de-duplication absorbs. It is not fsynced, for the same reason.
type ackedFile struct {
	f *os.File
}

var errAckedDamaged = errors.New("spool: acked file damaged")

// openAcked opens (or creates) the file and returns the sequence it holds:
// 0 when new, and errAckedDamaged (with a usable file) when unreadable.
func openAcked(dir string) (*ackedFile, uint64, error) {
	f, err := os.OpenFile(filepath.Join(dir, ackedName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("spool: %w", err)
	}
	a := &ackedFile{f: f}
	var b [12]byte
	n, _ := f.ReadAt(b[:], 0)
	switch {
	case n == 0:
		return a, 0, nil
	case n < len(b) || crc32.Checksum(b[:8], castagnoli) != binary.LittleEndian.Uint32(b[8:]):
		return a, 0, errAckedDamaged
	}
	return a, binary.LittleEndian.Uint64(b[:]), nil
}

func (a *ackedFile) write(seq uint64) error {
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:], seq)
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b[:8], castagnoli))
	if _, err := a.f.WriteAt(b[:], 0); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

func (a *ackedFile) close() error {
	if a == nil || a.f == nil {
		return nil
	}
	return a.f.Close()
}
