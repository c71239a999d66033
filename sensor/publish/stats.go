package publish

import "sync/atomic"

// Stats is a snapshot of a Publisher's counters, for logs and metrics.
// Counters count alerts since New; gauges say how things are now.
type Stats struct {
	Published  uint64 // acknowledged by JetStream (Duplicates included)
	Duplicates uint64 // acknowledged as already stored (same Nats-Msg-Id)
	Queued     int    // gauge: in memory, on the way to the spool
	Spooled    int    // gauge: in the spool, waiting for an acknowledgement
	SpoolBytes int64  // gauge: size of the spool's files
	Connected  bool   // gauge: the connection to NATS is up

	// Dropped is the sum of the Dropped* counters and CorruptRecords:
	// alerts that will never be published. A damaged record's alert is as
	// lost as one dropped for want of room, so the exit status counts both.
	Dropped         uint64
	DroppedQueue    uint64 // the in-memory queue was full
	DroppedSpool    uint64 // the spool was full: evicted, or refused
	DroppedWrite    uint64 // writing to the spool failed
	DroppedEncode   uint64 // the alert could not be encoded
	DroppedRejected uint64 // JetStream refused the alert itself (e.g. larger than the stream allows)
	DroppedClosed   uint64 // published after Run ended
	CorruptRecords  uint64 // damaged spool records skipped (their alerts are lost too)
	Errors          uint64 // failed connection and publish attempts (retried)
}

// counters are the atomically updated parts of Stats.
type counters struct {
	published, duplicates, errors                           atomic.Uint64
	droppedQueue, droppedSpool, droppedWrite, droppedEncode atomic.Uint64
	droppedClosed, droppedRejected, corrupt                 atomic.Uint64
}

// Stats returns a snapshot.
func (p *Publisher) Stats() Stats {
	sp := p.spool.Stats()
	s := Stats{
		Published:       p.stats.published.Load(),
		Duplicates:      p.stats.duplicates.Load(),
		Queued:          int(max(p.queued.Load(), 0)),
		Spooled:         sp.Records,
		SpoolBytes:      sp.DiskBytes,
		DroppedQueue:    p.stats.droppedQueue.Load(),
		DroppedSpool:    p.stats.droppedSpool.Load(),
		DroppedWrite:    p.stats.droppedWrite.Load(),
		DroppedEncode:   p.stats.droppedEncode.Load(),
		DroppedClosed:   p.stats.droppedClosed.Load(),
		DroppedRejected: p.stats.droppedRejected.Load(),
		CorruptRecords:  p.stats.corrupt.Load(),
		Errors:          p.stats.errors.Load(),
	}
	if nc := p.run.conn.Load(); nc != nil {
		s.Connected = nc.IsConnected()
	}
	s.Dropped = s.DroppedQueue + s.DroppedSpool + s.DroppedWrite + s.DroppedEncode + s.DroppedClosed + s.DroppedRejected + s.CorruptRecords
	return s
}
