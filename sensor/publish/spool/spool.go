package spool

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
)

// Options configure a spool.
type Options struct {
	// Dir holds the spool's files; it is created if missing. One process at
	// a time may use it (Open takes a lock).
	Dir string
	// MaxBytes bounds the total size of the segment files.
	MaxBytes int64
	// SegmentBytes is the size at which a new segment is started; 0 means
	// MaxBytes/16 (at least 4 KiB, at most 16 MiB). Eviction works a
	// segment at a time, so this is also how much is reclaimed at once.
	SegmentBytes int64
}

// MinMaxBytes is the smallest MaxBytes accepted.
const MinMaxBytes = 64 << 10

// Input is a record to append.
type Input struct {
	Payload []byte
	// Keep records are evicted last: only when nothing else is left.
	Keep bool
}

// Record is a record taken for delivery.
type Record struct {
	Seq     uint64
	Keep    bool
	Payload []byte
}

// AppendResult says what became of an Append's records.
type AppendResult struct {
	Stored  int // appended
	Refused int // not stored: no room even after eviction, or too large
	Failed  int // not stored: the write failed (see the error)
	Evicted int // older records dropped to make room
}

// Stats is a snapshot of the spool's state and counters.
type Stats struct {
	Records      int   // pending: appended, not yet delivered
	PendingBytes int64 // their size on disk, headers included
	DiskBytes    int64 // size of all segment files
	Segments     int
	Evicted      uint64 // records dropped to make room, since Open
	Refused      uint64 // records refused, since Open
	Corrupt      uint64 // damaged spans skipped when loading
	CorruptBytes uint64
}

// Spool is an on-disk FIFO of records; see the package documentation.
//
// Append (and Close) must be called from one goroutine at a time; Take,
// Done and Stats may be called concurrently with it and with each other,
// though one reader is what the delivery order assumes.
type Spool struct {
	dir      string
	maxBytes int64
	segBytes int64
	lock     *os.File
	notify   chan struct{}

	ackedFile *ackedFile
	mu        sync.Mutex
	segs      []*segment // oldest first; the last one is the tail
	disk      int64      // sum of segs' sizes
	next      uint64     // sequence number of the next record
	acked     uint64     // last sequence delivered
	inflight  uint64     // last sequence handed out by Take and not yet Done
	buf       []byte
	stats     Stats
	closed    bool
}

// ErrClosed is returned by a closed spool.
var ErrClosed = errors.New("spool: closed")

// Notify returns a channel that receives a value after an Append stored
// something: the reader's cue to Take.
func (s *Spool) Notify() <-chan struct{} { return s.notify }

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Stats returns a snapshot.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.DiskBytes = s.disk
	st.Segments = len(s.segs)
	for _, g := range s.segs {
		st.Records += len(g.pending)
		for _, e := range g.pending {
			st.PendingBytes += e.size
		}
	}
	return st
}

// Len is the number of pending records.
func (s *Spool) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, g := range s.segs {
		n += len(g.pending)
	}
	return n
}

// Take returns up to max of the oldest pending records, in order, and
// marks them in flight: eviction leaves them alone until Done. Taking again
// before Done starts again from the oldest. A record that cannot be read
// back intact is skipped and counted as corrupt.
func (s *Spool) Take(max int) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	var out []Record
	for _, g := range s.segs {
		for i := 0; i < len(g.pending) && len(out) < max; i++ {
			e := g.pending[i]
			p, err := g.read(e)
			if err != nil && !errors.Is(err, errDamaged) {
				// An I/O error: keep the record for the next try.
				return out, err
			}
			if err != nil {
				// Forget it: it would fail the same way forever.
				s.stats.Corrupt++
				s.stats.CorruptBytes += uint64(e.size)
				if e.keep {
					g.keepBytes -= e.size
				}
				g.pending = slices.Delete(g.pending, i, i+1)
				i--
				continue
			}
			out = append(out, Record{Seq: e.seq, Keep: e.keep, Payload: p})
		}
		if len(out) == max {
			break
		}
	}
	s.inflight = 0
	if len(out) > 0 {
		s.inflight = out[len(out)-1].Seq
	}
	return out, nil
}

// Done marks the records up to and including seq delivered (seq 0: none)
// and ends the flight of those taken: they are forgotten, and segments with
// nothing pending left are deleted.
func (s *Spool) Done(seq uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight = 0
	if s.closed {
		return ErrClosed
	}
	if seq <= s.acked {
		return nil
	}
	s.acked = seq
	var errs []error
	kept := s.segs[:0]
	for i, g := range s.segs {
		g.popThrough(seq)
		if len(g.pending) == 0 && i < len(s.segs)-1 { // never the tail
			s.disk -= g.size
			if err := g.remove(); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		kept = append(kept, g)
	}
	clear(s.segs[len(kept):])
	s.segs = kept
	if err := s.ackedFile.write(seq); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Close syncs and closes the files and releases the directory.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	for _, g := range s.segs {
		if g == s.tail() && g.f != nil {
			if err := g.f.Sync(); err != nil {
				errs = append(errs, fmt.Errorf("spool: %w", err))
			}
		}
		if err := g.close(); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, s.ackedFile.close(), unlock(s.lock))
	return errors.Join(errs...)
}

func (s *Spool) tail() *segment { return s.segs[len(s.segs)-1] }
