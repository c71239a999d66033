package main

import (
	"io"
	"sync"
)

// lockedWriter makes each Write to w whole and exclusive: lines written
// from several goroutines never interleave, and a writer that is not safe
// for concurrent use (a buffer, in tests) is never written concurrently.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
