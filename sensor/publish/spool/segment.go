package spool

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// entry indexes one pending record: the spool keeps this much in memory
// per record (about 24 bytes), never the payload.
type entry struct {
	seq  uint64
	off  int64 // of the record's header in the segment file
	size int64 // header and payload
	keep bool
}

// segment is one file of records. Only the tail segment is appended to;
// the others are sealed and change only when compacted or deleted.
type segment struct {
	id   uint64
	path string
	f    *os.File
	size int64 // bytes in the file, including delivered and damaged records
	// pending are the records not yet delivered, in sequence order.
	pending []entry
	// keepBytes is the size of the pending records flagged Keep: what
	// compaction can never reclaim.
	keepBytes int64
}

const segSuffix = ".seg"

func segmentName(id uint64) string {
	return fmt.Sprintf("%016x%s", id, segSuffix)
}

// parseSegmentName returns the id of a segment file name.
func parseSegmentName(name string) (uint64, bool) {
	hex, ok := strings.CutSuffix(name, segSuffix)
	if !ok || len(hex) != 16 {
		return 0, false
	}
	id, err := strconv.ParseUint(hex, 16, 64)
	return id, err == nil
}

// createSegment creates a new, empty tail segment.
func createSegment(dir string, id uint64) (*segment, error) {
	path := filepath.Join(dir, segmentName(id))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	// The new name must survive a crash, or its records would be lost with it.
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	return &segment{id: id, path: path, f: f}, nil
}

func (s *segment) add(e entry) {
	s.pending = append(s.pending, e)
	if e.keep {
		s.keepBytes += e.size
	}
}

// popThrough forgets the pending records up to seq, which were delivered.
func (s *segment) popThrough(seq uint64) {
	i := 0
	for i < len(s.pending) && s.pending[i].seq <= seq {
		if s.pending[i].keep {
			s.keepBytes -= s.pending[i].size
		}
		i++
	}
	s.pending = s.pending[i:]
	// Reslicing keeps the delivered entries' memory; copy once they are
	// most of it, which keeps the cost per delivered record constant.
	if cap(s.pending) > 2*len(s.pending)+1024 {
		s.pending = append([]entry(nil), s.pending...)
	}
}

// errDamaged marks a record whose bytes are not what was written: it would
// fail the same way forever. Other read errors (EIO, a closed file) may pass.
var errDamaged = errors.New("damaged")

// read returns e's payload, read from the file.
func (s *segment) read(e entry) ([]byte, error) {
	if s.f == nil {
		f, err := os.OpenFile(s.path, os.O_RDWR, 0)
		if err != nil {
			return nil, fmt.Errorf("spool: reopening %s: %w", s.path, err)
		}
		s.f = f
	}
	buf := make([]byte, e.size)
	n, err := s.f.ReadAt(buf, e.off)
	if n < len(buf) && errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("spool: record %d in %s is cut short: %w", e.seq, s.path, errDamaged)
	}
	if err != nil {
		return nil, fmt.Errorf("spool: reading %s at %d: %w", s.path, e.off, err)
	}
	r, ok := parseRecord(buf)
	if !ok || r.seq != e.seq {
		// The file changed under us (an operator, a disk): never hand on
		// bytes that are not the record indexed.
		return nil, fmt.Errorf("spool: record %d in %s: %w", e.seq, s.path, errDamaged)
	}
	return r.payload, nil
}

func (s *segment) close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

func (s *segment) remove() error {
	s.close()
	if err := os.Remove(s.path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// syncDir makes a directory's entries (files created, renamed, removed)
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
