package main

import (
	"bufio"
	"io"
	"sync"

	"github.com/portsnare/portsnare/detect"
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
	format  render.Format
	err     error
	onError func(error) // told of the first write error, to stop the producer
}

// newAlertWriter writes to w in format (ECS or OCSF; see internal/render:
// "MITRE ATT&CK" stays readable, not "ATT\u0026CK", as the output is read
// by SIEMs and jq, never embedded in HTML).
func newAlertWriter(w io.Writer, format render.Format, onError func(error)) *alertWriter {
	return &alertWriter{buf: bufio.NewWriterSize(w, 64<<10), format: format, onError: onError}
}

// Write encodes a; after the first error it drops alerts, since the output
// is broken anyway.
func (w *alertWriter) Write(a *detect.Alert) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	doc, err := render.Render(a, w.format)
	if err == nil {
		doc = append(doc, '\n')
		_, err = w.buf.Write(doc)
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
