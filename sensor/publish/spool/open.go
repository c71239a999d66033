package spool

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Open opens the spool in opts.Dir, creating it if needed, and reloads the
// records not yet delivered. Damaged records are skipped and counted
// (Stats.Corrupt), never fatal; an error means the directory itself is
// unusable, or in use by another process.
func Open(opts Options) (*Spool, error) {
	if opts.Dir == "" {
		return nil, errors.New("spool: no directory")
	}
	if opts.MaxBytes < MinMaxBytes {
		return nil, fmt.Errorf("spool: MaxBytes %d is below the minimum %d", opts.MaxBytes, MinMaxBytes)
	}
	segBytes := opts.SegmentBytes
	if segBytes <= 0 {
		segBytes = min(max(opts.MaxBytes/16, 4<<10), 16<<20)
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Spool{
		dir:      opts.Dir,
		maxBytes: opts.MaxBytes,
		segBytes: segBytes,
		lock:     lock,
		notify:   make(chan struct{}, 1),
	}
	if err := s.load(); err != nil {
		for _, g := range s.segs {
			g.close()
		}
		s.ackedFile.close()
		unlock(lock)
		return nil, err
	}
	return s, nil
}

// load indexes the existing segments and starts a new tail.
func (s *Spool) load() error {
	af, acked, err := openAcked(s.dir)
	if errors.Is(err, errAckedDamaged) {
		// It costs re-sending, which the broker's de-duplication absorbs;
		// it must not cost the records.
		s.stats.Corrupt++
	} else if err != nil {
		return err
	}
	s.ackedFile, s.acked = af, acked
	names, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	var ids []uint64
	for _, d := range names {
		if strings.HasSuffix(d.Name(), ".tmp") {
			// A compaction interrupted before its rename: the original is intact.
			os.Remove(filepath.Join(s.dir, d.Name()))
			continue
		}
		if id, ok := parseSegmentName(d.Name()); ok && d.Type().IsRegular() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	last := acked // highest sequence seen
	var lastID uint64
	for _, id := range ids {
		lastID = id
		g, err := s.loadSegment(id, &last)
		if err != nil {
			return err
		}
		if len(g.pending) == 0 {
			if err := g.remove(); err != nil {
				return fmt.Errorf("spool: %w", err)
			}
			continue
		}
		s.segs = append(s.segs, g)
		s.disk += g.size
	}
	s.next = last + 1
	tail, err := createSegment(s.dir, lastID+1)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.segs = append(s.segs, tail)
	return nil
}

// loadSegment indexes one segment's pending records. *last is the highest
// sequence number seen so far: a record at or below it was delivered, or
// is a copy left by a compaction that crashed between its rename and the
// removal of what it merged, and is not pending.
func (s *Spool) loadSegment(id uint64, last *uint64) (*segment, error) {
	path := filepath.Join(s.dir, segmentName(id))
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	g := &segment{id: id, path: path, f: f, size: int64(len(b))}
	for off := 0; off < len(b); {
		r, ok := parseRecord(b[off:])
		if !ok {
			skip := resync(b[off:])
			s.stats.Corrupt++
			s.stats.CorruptBytes += uint64(skip)
			off += skip
			continue
		}
		if r.seq > *last {
			*last = r.seq
			g.add(entry{seq: r.seq, off: int64(off), size: int64(r.size), keep: r.keep})
		}
		off += r.size
	}
	return g, nil
}
