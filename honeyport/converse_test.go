//go:build linux

package honeyport

import (
	"io"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// The deadline of a decoy connection is checked here on a synctest
// bubble's clock, which net.Pipe's deadlines run on: a slowloris is cut
// at read_timeout to the nanosecond and a client that closes is let go at
// once, where the socket tests (tcp_test.go) could only bound the times
// loosely, and flakily on a loaded machine.

// conversation runs converse for port under cfg on one end of a pipe and
// returns the other end, and what reports the touch and how long the
// conversation took, in the bubble's time.
func conversation(t *testing.T, cfg Config, port Port) (net.Conn, func() (detect.Touch, time.Duration)) {
	t.Helper()
	p, errs := cfg.compile()
	if len(errs) > 0 {
		t.Fatalf("configuration: %v", errs)
	}
	srv, cli := net.Pipe()
	t.Cleanup(func() { cli.Close() })
	type result struct {
		touch detect.Touch
		took  time.Duration
	}
	done := make(chan result, 1)
	go func() {
		began := time.Now()
		var touch detect.Touch
		converse(srv, p, port, began, &touch)
		srv.Close()
		done <- result{touch, time.Since(began)}
	}()
	return cli, func() (detect.Touch, time.Duration) {
		r := <-done
		return r.touch, r.took
	}
}

// A client that sends one byte and then nothing, never closing, is cut
// off at read_timeout exactly, after the greeting.
func TestConverseCutsSlowClientAtDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig("2222")
		cfg.ReadTimeout = 300 * time.Millisecond
		cfg.Banners = []string{"2222=ssh"}
		cli, result := conversation(t, cfg, tcp(2222))
		greeting := make([]byte, 128)
		n, err := cli.Read(greeting)
		if err != nil || string(greeting[:n]) != "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n" {
			t.Fatalf("greeting %q, %v", greeting[:n], err)
		}
		if _, err := cli.Write([]byte("S")); err != nil {
			t.Fatal(err)
		}
		touch, took := result()
		if took != cfg.ReadTimeout {
			t.Errorf("the conversation took %v; want it cut at the %v deadline", took, cfg.ReadTimeout)
		}
		if touch.Bytes != 1 || string(touch.First) != "S" || touch.Banner != "ssh" {
			t.Errorf("touch %+v", touch)
		}
		if b, err := io.ReadAll(cli); err != nil || len(b) != 0 {
			t.Errorf("after the deadline the client read %q, %v; want EOF", b, err)
		}
	})
}

// A connect scan's touch: the client closes at once and the decoy does
// not wait for its deadline.
func TestConverseEndsWhenClientCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig("2222")
		cfg.ReadTimeout = time.Minute
		cli, result := conversation(t, cfg, tcp(2222))
		cli.Close()
		touch, took := result()
		if took != 0 {
			t.Errorf("the conversation took %v after the client closed; want no wait", took)
		}
		if touch.Bytes != 0 || touch.First != nil {
			t.Errorf("touch %+v", touch)
		}
	})
}
