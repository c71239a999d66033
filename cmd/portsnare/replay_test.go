package main

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// emptyPcap writes a pcap file with a header and no packets: the smallest
// valid capture.
func emptyPcap(t *testing.T) string {
	t.Helper()
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4) // magic, microseconds
	binary.LittleEndian.PutUint16(hdr[4:], 2)          // version 2.4
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535) // snap length
	binary.LittleEndian.PutUint32(hdr[20:], 1)     // Ethernet
	path := filepath.Join(t.TempDir(), "empty.pcap")
	if err := os.WriteFile(path, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReplayNotACaptureExits1NamingTheFile(t *testing.T) {
	path := writeFile(t, "notes.txt", "these are not the packets you are looking for\n")
	code, stdout, stderr := runCLI(t, "replay", "--no-progress", path)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr, path) {
		t.Errorf("the error does not name %s:\n%s", path, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want no alerts", stdout)
	}
}

func TestReplayMissingFileExits1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.pcap")
	code, _, stderr := runCLI(t, "replay", path)
	if code != exitFailure || !strings.Contains(stderr, path) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// An invalid configuration stops replay before it reads anything, with
// every problem listed and the usage status.
func TestReplayBadConfigExits2(t *testing.T) {
	cfg := writeFile(t, "bad.yaml", "detect:\n  vertical_ports: lots\n  shards: -1\n")
	code, _, stderr := runCLI(t, "replay", "-c", cfg, emptyPcap(t))
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	wantProblems(t, strings.Split(stderr, "\n"), "detect.vertical_ports: expected an integer", "detect.shards must be positive")
}

func TestReplayEmptyCapture(t *testing.T) {
	code, stdout, stderr := runCLI(t, "replay", "--log-level", "error", emptyPcap(t))
	if code != exitOK || stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if stderr == "" {
		t.Error("no summary on stderr")
	}
	code, _, stderr = runCLI(t, "replay", "--quiet", "--log-level", "error", emptyPcap(t))
	if code != exitOK || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, stderr)
	}
}

// A signal (here: the context it cancels) stops the replay; the summary is
// still printed and the status says the output is incomplete.
func TestReplayInterruptedStillSummarises(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := runCLIContext(t, ctx, "replay", "--log-level", "error", emptyPcap(t))
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	last := strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")
	if last < 0 || !strings.Contains(stderr[last:], "replay interrupted") {
		t.Errorf("want a summary, then the interruption; stderr:\n%s", stderr)
	}
}
