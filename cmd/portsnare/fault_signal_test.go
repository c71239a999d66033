//go:build linux

package main

import (
	"bufio"
	"bytes"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
	"github.com/portsnare/portsnare/sensor/publish/spool"
)

// TestFaultSecondSIGTERM sends two SIGTERMs 50 ms apart to a sensor with
// an open episode whose NATS server takes connections but never answers
// JetStream, so that the shutdown is still publishing when the second
// arrives. The episode's end summary must be in the spool, the log must
// say that the publishing was cut short, and the exit status must be 1,
// not death by the signal.
func TestFaultSecondSIGTERM(t *testing.T) {
	testkit.RequireE2E(t, "nmap", "timeout")
	spoolDir := t.TempDir()
	s := startProc(t, exec.Command(buildBinary(t), "run", "-i", "lo", "--stdout", "--sensor-name", "fault",
		"--log-level", "info", "--metrics-listen="), []string{
		"PORTSNARE_NATS_URLS=" + silentNATS(t),
		"PORTSNARE_NATS_SPOOL_DIR=" + spoolDir,
		"PORTSNARE_NATS_FLUSH_TIMEOUT=60s",
		"PORTSNARE_HONEYPORT_ENABLED=false",
	})
	if !s.waitLog(`msg="allowlist loaded"`, 20*time.Second) {
		s.wait(t, 5*time.Second)
		t.Fatalf("the sensor did not start; log:\n%s", s.stderr.String())
	}
	// Own addresses in 127/8, apart from other tests' loopback traffic.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(s.stdout.String(), `"source":{"ip":"127.68.0.1"}`) {
		if time.Now().After(deadline) {
			t.Fatalf("no alert for the scan; log:\n%s", s.stderr.String())
		}
		testkit.Sh(t, "timeout", "60", "nmap", "-n", "-sS", "-Pn", "-e", "lo", "-S", "127.68.0.1", "--max-retries", "0",
			"-p", "41001-41100", "127.79.0.1")
	}

	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(50 * time.Millisecond) // the gap the fault was found with
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	code, sig := s.wait(t, 20*time.Second)
	log := s.stderr.String()
	if code != exitFailure {
		t.Errorf("exit %d (signal %v), want %d; log:\n%s", code, sig, exitFailure, log)
	}
	if !strings.Contains(log, "second signal") || !strings.Contains(log, "wait in the spool") {
		t.Errorf("the log does not say that a second signal cut the publishing short:\n%s", log)
	}

	sp, err := spool.Open(spool.Options{Dir: spoolDir, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	recs, err := sp.Take(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if bytes.Contains(r.Payload, []byte(`"phase":"end"`)) && bytes.Contains(r.Payload, []byte(`"127.68.0.1"`)) {
			return
		}
	}
	t.Errorf("the spool holds %d alerts, none the episode's end summary; log:\n%s", len(recs), log)
}

// silentNATS is a NATS server that accepts clients and answers their
// pings but nothing else: a connection that works, a JetStream that
// never acknowledges. It returns its URL.
func silentNATS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				defer c.Close()
				_, _ = c.Write([]byte(`INFO {"server_id":"silent","version":"2.10.0","proto":1,"headers":true,"max_payload":1048576}` + "\r\n"))
				sc := bufio.NewScanner(c)
				sc.Buffer(make([]byte, 64<<10), 1<<20)
				for sc.Scan() {
					if sc.Text() == "PING" {
						_, _ = c.Write([]byte("PONG\r\n"))
					}
				}
			}()
		}
	}()
	return "nats://" + ln.Addr().String()
}
