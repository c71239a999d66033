package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// TestAlertWriterLines: alerts from several goroutines come out as whole
// JSON lines, only after Flush (buffered), with "&" unescaped.
func TestAlertWriterLines(t *testing.T) {
	var out bytes.Buffer
	w := newAlertWriter(&out, func(err error) { t.Errorf("onError(%v)", err) })
	w.Write(ecsDoc(t, &detect.Alert{Message: "first"}))
	if out.Len() != 0 {
		t.Errorf("%d bytes written before Flush; want them buffered", out.Len())
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				w.Write(ecsDoc(t, &detect.Alert{Message: "SYN portscan", Threat: detect.Threat{Framework: "MITRE ATT&CK"}}))
			}
		})
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 401 {
		t.Fatalf("%d lines, want 401", len(lines))
	}
	for _, l := range lines {
		var a detect.Alert
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
	}
	if !strings.Contains(lines[1], `"MITRE ATT&CK"`) {
		t.Errorf("HTML-escaped: %s", lines[1])
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestAlertWriterStopsOnError: the first write error is reported once, to
// stop the producer, and returned by Flush.
func TestAlertWriterStopsOnError(t *testing.T) {
	var reported []error
	w := newAlertWriter(failingWriter{}, func(err error) { reported = append(reported, err) })
	big := &detect.Alert{Message: strings.Repeat("x", 100<<10)} // more than the buffer
	w.Write(ecsDoc(t, big))
	w.Write(ecsDoc(t, big))
	if len(reported) != 1 {
		t.Errorf("onError called %d times, want once", len(reported))
	}
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Flush() = %v", err)
	}
}

// ecsDoc renders a as the writer gets alerts.
func ecsDoc(t *testing.T, a *detect.Alert) *render.Document {
	t.Helper()
	d, err := render.Make(a, render.ECS)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
