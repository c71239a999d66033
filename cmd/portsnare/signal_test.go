//go:build unix

package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// TestReplaySIGTERM runs the real binary on a capture that never ends (a
// FIFO fed by the test) and stops it with SIGTERM, as a service manager or
// a script would: the alerts so far are written, the summary is printed,
// and the exit status is 1.
func TestReplaySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := testkit.Binary(t, ".")
	fifo := filepath.Join(t.TempDir(), "endless.pcap")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		testkit.Missing(t, "mkfifo: %v", err)
	}
	written := feedEndlessCapture(t, fifo)

	var stdout, stderr testkit.Buffer
	cmd := exec.Command(bin, "replay", fifo)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Signal once the replay is well into the capture (the pipe buffer
	// holds only a few hundred packets).
	if !testkit.Until(20*time.Second, nil, func() bool { return written.Load() >= 50_000 }) {
		cmd.Process.Kill()
		t.Fatalf("replay did not read the capture; stderr:\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("replay did not stop on SIGTERM; stderr:\n%s", stderr.String())
	}

	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
		t.Errorf("exit: %v, want status %d", err, exitFailure)
	}
	errText := stderr.String()
	if !strings.Contains(errText, "replay interrupted (terminated signal received)") {
		t.Errorf("stderr does not say the replay was interrupted:\n%s", errText)
	}
	if !strings.Contains(errText, fifo) || !strings.Contains(errText, "packets") {
		t.Errorf("stderr has no summary of the file read:\n%s", errText)
	}
	for l := range strings.SplitSeq(strings.TrimSpace(stdout.String()), "\n") {
		if l != "" && !json.Valid([]byte(l)) {
			t.Errorf("stdout line is not JSON (cut short by the signal?): %q", l)
		}
	}
}

// feedEndlessCapture writes a pcap header and then TCP SYNs to every port
// of one host into fifo, for each reader that opens it, until the test
// ends. It returns the count of packets written.
func feedEndlessCapture(t *testing.T, fifo string) *atomic.Int64 {
	var written atomic.Int64
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			// Blocks until a reader opens the FIFO: replay opens it twice,
			// once to check the header and once to read.
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			_, err = f.Write(pcapHeader())
			for i := 0; err == nil && !stop.Load(); i++ {
				_, err = f.Write(synRecord(i))
				written.Add(1)
			}
			f.Close()
		}
	}()
	t.Cleanup(func() {
		stop.Store(true)
		// Release a writer blocked in open, then wait for it.
		if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer r.Close()
		}
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("FIFO writer did not stop")
		}
	})
	return &written
}

func pcapHeader() []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1) // Ethernet
	return h
}

// synRecord is a pcap record: a TCP SYN from 198.18.0.10 to port i of
// 198.18.0.2, a millisecond of packet time after the previous one.
func synRecord(i int) []byte {
	ts := time.Unix(1_700_000_000, 0).Add(time.Duration(i) * time.Millisecond)
	return tcpRecord(ts, [4]byte{198, 18, 0, 10}, [4]byte{198, 18, 0, 2}, 40000, uint16(i%65535+1), uint32(i), 0, 0x02, 1024)
}
