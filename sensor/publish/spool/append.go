package spool

import (
	"fmt"
)

// Append stores records at the end of the spool, in order, with one write
// per segment touched and one fsync. When the spool is full it first
// evicts (see the package documentation); records that still do not fit
// are refused. Everything not stored is counted in the result: Refused for
// want of room, Failed with the error of a write.
func (s *Spool) Append(in []Input) (AppendResult, error) {
	var res AppendResult
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		res.Failed = len(in)
		return res, ErrClosed
	}
	w := writer{s: s, buf: s.buf[:0]}
	for _, r := range in {
		if w.err != nil {
			res.Failed++
			continue
		}
		size := int64(headerSize + len(r.Payload))
		if len(r.Payload) > MaxRecord || size > s.maxBytes/2 {
			res.Refused++
			continue
		}
		if t := s.tail(); t.size+int64(len(w.buf)) >= s.segBytes {
			if w.flush(&res); w.err != nil {
				res.Failed++
				continue
			}
			if w.err = s.rotate(); w.err != nil {
				res.Failed++
				continue
			}
		}
		if s.disk+int64(len(w.buf))+size > s.maxBytes {
			if w.flush(&res); w.err != nil {
				res.Failed++
				continue
			}
			n, err := s.evict(size)
			res.Evicted += n
			if err != nil {
				w.err = err
				res.Failed++
				continue
			}
			if s.disk+size > s.maxBytes {
				res.Refused++
				continue
			}
		}
		e := entry{seq: s.next, off: s.tail().size + int64(len(w.buf)), size: size, keep: r.Keep}
		s.next++
		w.buf = appendRecord(w.buf, e.seq, e.keep, r.Payload)
		w.entries = append(w.entries, e)
	}
	w.flush(&res)
	s.buf = w.buf[:0]
	if cap(s.buf) > 1<<20 {
		s.buf = nil // one large batch must not pin its buffer for good
	}
	s.stats.Evicted += uint64(res.Evicted)
	s.stats.Refused += uint64(res.Refused)
	tail := s.tail().f
	s.mu.Unlock()

	err := w.err
	if res.Stored > 0 {
		// Outside the lock, so the reader is not held up by the disk. Only
		// Append and Close, on one goroutine, replace or close the tail.
		if serr := tail.Sync(); serr != nil && err == nil {
			err = fmt.Errorf("spool: %w", serr)
		}
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
	return res, err
}

// writer batches encoded records for the tail segment.
type writer struct {
	s       *Spool
	buf     []byte
	entries []entry
	err     error
}

// flush writes the batch to the tail. On a short write the records written
// whole are kept and the rest count as failed; the tail is then retired,
// so no record is ever appended after a torn one.
func (w *writer) flush(res *AppendResult) {
	if len(w.buf) == 0 {
		return
	}
	s := w.s
	t := s.tail()
	n, err := t.f.Write(w.buf)
	written := t.size + int64(n)
	for _, e := range w.entries {
		if e.off+e.size <= written {
			t.add(e)
			res.Stored++
		} else {
			res.Failed++
		}
	}
	s.disk += int64(n)
	t.size = written
	w.buf, w.entries = w.buf[:0], w.entries[:0]
	if err != nil {
		w.err = fmt.Errorf("spool: writing %s: %w", t.path, err)
		if rerr := s.rotate(); rerr != nil {
			w.err = fmt.Errorf("%w; %w", w.err, rerr)
		}
	}
}

// rotate seals the tail and starts a new one. A sealed segment with nothing
// pending is deleted at once.
func (s *Spool) rotate() error {
	t := s.tail()
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	g, err := createSegment(s.dir, t.id+1)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if len(t.pending) == 0 {
		s.disk -= t.size
		t.remove()
		s.segs[len(s.segs)-1] = g
		return nil
	}
	s.segs = append(s.segs, g)
	return nil
}
