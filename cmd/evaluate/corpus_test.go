package main

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestCorpusDetection holds the engine to the project's labelled corpus:
// every scanner recorded or generated there is flagged, and no benign
// capture raises an alert. A change that breaks a class shows here, with
// the table that says which.
func TestCorpusDetection(t *testing.T) {
	dirs := []string{
		filepath.Join("..", "..", "testdata", "corpus", "recorded"),
		filepath.Join("..", "..", "testdata", "corpus", "synthetic"),
	}
	var out, errOut bytes.Buffer
	if code := run(dirs, &out, &errOut, replayEngine); code != 0 {
		t.Fatalf("evaluate exited %d (a scan missed or a benign capture alerted):\n%s%s", code, out.String(), errOut.String())
	}
}
