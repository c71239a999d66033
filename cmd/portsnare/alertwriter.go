package main

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"

	"github.com/portsnare/portsnare/detect"
)

// alertWriter writes alerts as JSON lines, one object per line. Output is
// buffered because a replay can raise alerts in bursts and a write per
// alert to a pipe would cost more than the detection; Flush writes the rest.
// Write and Flush may come from different goroutines (the replay loop, a
// signal), hence the lock.
type alertWriter struct {
	mu      sync.Mutex
	buf     *bufio.Writer
	enc     *json.Encoder
	err     error
	onError func(error) // told of the first write error, to stop the producer
}

func newAlertWriter(w io.Writer, onError func(error)) *alertWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(buf)
	// Keep "MITRE ATT&CK" readable instead of "ATT\u0026CK"; the output is
	// read by SIEMs and jq, never embedded in HTML.
	enc.SetEscapeHTML(false)
	return &alertWriter{buf: buf, enc: enc, onError: onError}
}

// Write encodes a; after the first error it drops alerts, since the output
// is broken anyway.
func (w *alertWriter) Write(a *detect.Alert) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	if err := w.enc.Encode(a); err != nil {
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
