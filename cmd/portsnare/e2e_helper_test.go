//go:build linux

package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// benignClientEnv carries a benign client's orders into the re-executed
// test binary. It is no PORTSNARE_ variable: TestMain clears those before
// any test runs (they are configuration), and with the orders gone the
// client did nothing and still exited 0, so the benign cases of
// TestE2ELiveScanners once passed without any benign traffic.
const benignClientEnv = "E2E_BENIGN_CLIENT"

// benignClientDone is what a client prints once it has done everything
// its orders say; runHelper fails without it.
const benignClientDone = "benign client done"

// TestE2EHelper is not a test: the end-to-end tests re-run the test binary
// inside a network namespace with benignClientEnv set, to play a benign
// client there. Without the variable it returns at once.
func TestE2EHelper(t *testing.T) {
	spec := os.Getenv(benignClientEnv)
	if spec == "" {
		return
	}
	f := strings.Split(spec, " ")
	var err error
	switch f[0] {
	case "connect-many": // connect-many ADDR N: N connections to one service
		n, _ := strconv.Atoi(f[2])
		for i := 0; i < n && err == nil; i++ {
			err = dialOnce(f[1])
		}
	case "fanout": // fanout ADDR... : one connection to each
		for _, a := range f[1:] {
			if err = dialOnce(a); err != nil {
				break
			}
		}
	case "dns": // dns ADDR N: N request/response exchanges, each from its own port
		n, _ := strconv.Atoi(f[2])
		for i := 0; i < n && err == nil; i++ {
			err = udpExchange(f[1])
		}
	default:
		err = fmt.Errorf("unknown helper %q", f[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	fmt.Println(benignClientDone)
	os.Exit(0)
}

func dialOnce(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return err
	}
	_, _ = c.Write([]byte("hello\n"))
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	_, _ = io.ReadAll(c)
	return c.Close()
}

func udpExchange(addr string) error {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write([]byte("query")); err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	_, err = c.Read(buf)
	return err
}

// runHelper runs a benign client in namespace ns.
func runHelper(t *testing.T, ns, spec string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := testkit.InNamespace(ns, 60*time.Second, exe, "-test.run=^TestE2EHelper$")
	cmd.Env = append(os.Environ(), benignClientEnv+"="+spec)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("benign client %q in %s: %v\n%s", spec, ns, err, out)
	}
	if !strings.Contains(string(out), benignClientDone) {
		t.Fatalf("benign client %q in %s did not run its orders:\n%s", spec, ns, out)
	}
}

// serveTCP accepts connections on addr, answers each with a line and closes.
func serveTCP(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(2 * time.Second))
				buf := make([]byte, 64)
				_, _ = c.Read(buf)
				_, _ = c.Write([]byte("ok\n"))
			}()
		}
	}()
}

// serveUDP answers every datagram on addr.
func serveUDP(t *testing.T, addr string) {
	t.Helper()
	listenUDP(t, addr, true)
}

// serveUDPSilent reads datagrams on addr and never answers, as a peer
// behind a NAT that dropped its mapping does.
func serveUDPSilent(t *testing.T, addr string) {
	t.Helper()
	listenUDP(t, addr, false)
}

// listenUDP reads datagrams on addr, echoing each when answer is set.
func listenUDP(t *testing.T, addr string, answer bool) {
	t.Helper()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if answer {
				_, _ = pc.WriteTo(buf[:n], from)
			}
		}
	}()
}
