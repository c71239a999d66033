package sensor

import (
	"context"
)

// replayMode picks how Replay spreads its work over goroutines.
type replayMode uint8

const (
	// pipelined reads and decodes on one goroutine and runs the engine on
	// the caller's, with batches of decoded events between them: a replay
	// then takes two cores, as reading and decoding cost about what the
	// engine does.
	pipelined replayMode = iota
	// serial does everything on the caller's goroutine.
	serial
)

// replayBatches is how many batches circulate between the reading goroutine
// and the engine (16 KiB each): enough to ride out the engine's uneven cost
// per event (an alert, a tick that expires many sources), and enough that a
// batch comes back to the reading goroutine after its lines have left the
// cache of the engine's core. Writing into lines the other core has just
// read costs the writer a transfer for each: with 8 batches in the ring the
// reading goroutine, decoding alone at about 105 ns a packet, took as long
// as the engine, about 250 ns; with 256, a replay takes 182–227 ns a packet
// against 246–259 (BenchmarkReplay, alternated, on a 2-core virtual
// machine; 64 batches gave 199–239, 1,024 no more than 256).
const replayBatches = 256

// pipeline replays files with reading and decoding on a goroutine of their
// own. The events go to the engine in the order they were decoded, ticks
// included, so the engine sees exactly the calls a serial replay makes and
// raises the same alerts, byte for byte. The reader's state (decoder stats,
// clock, file stats) is read only after it is done.
func (r *replayer) pipeline(ctx context.Context, files []string) error {
	full := make(chan *batch, replayBatches)
	free := make(chan *batch, replayBatches)
	for range replayBatches {
		free <- newBatch()
	}
	b := &batcher{free: free, out: full}
	r.dec, r.ticks = NewDecoder(b), b
	done := make(chan error, 1)
	go func() {
		err := r.readAll(ctx, files)
		b.flush()
		close(full)
		done <- err
	}()
	for bt := range full {
		bt.feed(r.eng)
		free <- bt
	}
	return <-done
}
