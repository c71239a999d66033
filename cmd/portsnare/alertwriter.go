package main

import (
	"bufio"
	"io"
	"sync"

	"github.com/portsnare/portsnare/internal/render"
)

// alertWriter writes alerts as JSON lines, one object per line. Output is
// buffered because a replay can raise alerts in bursts and a write per
// alert to a pipe would cost more than the detection; Flush writes the rest.
// Write and Flush may come from different goroutines (the replay loop, a
// signal), hence the lock.
type alertWriter struct {
	mu      sync.Mutex
	buf     *bufio.Writer
	err     error
	onError func(error) // told of the first write error, to stop the producer
}

func newAlertWriter(w io.Writer, onError func(error)) *alertWriter {
	return &alertWriter{buf: bufio.NewWriterSize(w, 64<<10), onError: onError}
}

// Write writes the rendered alert d (ECS or OCSF, see internal/render) as
// one line; after the first error it drops alerts, since the output is
// broken anyway.
func (w *alertWriter) Write(d *render.Document) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	_, err := w.buf.Write(d.Body)
	if err == nil {
		err = w.buf.WriteByte('\n')
	}
	if err != nil {
		w.err = err
		w.onError(err)
	}
}

// Flush writes what is buffered and returns the first error of any write.
func (w *alertWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = w.buf.Flush()
	}
	return w.err
}
