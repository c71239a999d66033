package spool

import (
	"fmt"
	"os"
	"slices"
)

// evict makes room for need more bytes by compacting segments, oldest
// first: each is rewritten with only its records flagged Keep and those in
// flight, which drops its ordinary records and whatever delivered or
// damaged bytes it held. Working a whole segment at a time amortises the
// rewrite: one eviction frees up to a segment's worth. It returns how many
// pending records were dropped.
func (s *Spool) evict(need int64) (int, error) {
	dropped := 0
	for i := 0; i < len(s.segs) && s.disk+need > s.maxBytes; i++ {
		g := s.segs[i]
		if g.size-g.keepBytes <= 0 {
			continue // nothing but Keep records: nothing to reclaim
		}
		if i == len(s.segs)-1 {
			// The tail is compacted like the others once sealed; the next
			// records go to a new one.
			if err := s.rotate(); err != nil {
				return dropped, err
			}
			if s.segs[i] != g { // rotate deleted it, having nothing pending
				continue
			}
		}
		n, removed, err := s.compact(g)
		dropped += n
		if err != nil {
			return dropped, err
		}
		if removed {
			s.segs = slices.Delete(s.segs, i, i+1)
			i--
		}
	}
	return dropped, nil
}

// compact rewrites sealed segment g with only the pending records that are
// flagged Keep or in flight, through a temporary file renamed over it, so a
// crash leaves either the old file or the new one. It returns the records
// dropped and whether the segment was deleted, having nothing left.
func (s *Spool) compact(g *segment) (dropped int, removed bool, err error) {
	var keep []entry
	var keepSize int64
	for _, e := range g.pending {
		if e.keep || (s.inflight != 0 && e.seq <= s.inflight) {
			keep = append(keep, e)
			keepSize += e.size
		}
	}
	dropped = len(g.pending) - len(keep)
	if keepSize == g.size {
		return 0, false, nil
	}
	if len(keep) == 0 {
		s.disk -= g.size
		if err := g.remove(); err != nil {
			return dropped, true, fmt.Errorf("spool: %w", err)
		}
		return dropped, true, nil
	}
	old, err := os.ReadFile(g.path)
	if err != nil {
		return 0, false, fmt.Errorf("spool: compacting: %w", err)
	}
	buf := make([]byte, 0, keepSize)
	moved := make([]entry, len(keep))
	for i, e := range keep {
		moved[i] = e
		moved[i].off = int64(len(buf))
		buf = append(buf, old[e.off:e.off+e.size]...)
	}
	tmp := g.path + ".tmp"
	if err := writeSynced(tmp, buf); err != nil {
		os.Remove(tmp)
		return 0, false, fmt.Errorf("spool: compacting: %w", err)
	}
	g.close()
	if err := os.Rename(tmp, g.path); err != nil {
		os.Remove(tmp)
		g.f, _ = os.OpenFile(g.path, os.O_RDWR, 0)
		return 0, false, fmt.Errorf("spool: compacting: %w", err)
	}
	// The file now has the compacted layout: the bookkeeping follows at
	// once, whatever fails after this, so that no record is read at an old
	// offset (and taken for corrupt).
	s.disk -= g.size - keepSize
	g.size = keepSize
	g.pending = moved
	g.keepBytes = 0
	for _, e := range moved {
		if e.keep {
			g.keepBytes += e.size
		}
	}
	g.f, err = os.OpenFile(g.path, os.O_RDWR, 0)
	if err != nil {
		return dropped, false, fmt.Errorf("spool: compacting: reopening: %w", err)
	}
	// A failed directory sync risks only the rename's durability across a
	// power cut: the old file is equally valid then.
	_ = syncDir(s.dir)
	return dropped, false, nil
}

// writeSynced writes a new file and fsyncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
