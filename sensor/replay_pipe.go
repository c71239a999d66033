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
// and the engine: enough to ride out the engine's uneven cost per event (an
// alert, a tick that expires many sources), few enough to stay in cache.
const replayBatches = 8

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
