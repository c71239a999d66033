package testkit

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"testing"
	"time"
)

// The end-to-end tests build their networks from named network
// namespaces and veth pairs (ip-netns(8)). Names carry a random ID, so
// that tests of several packages, run at once by go test, never meet,
// and every piece is removed by t.Cleanup, even when the test fails.

// ID returns six random hex digits for names of interfaces and
// namespaces (an interface name holds at most 15 bytes).
func ID() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Namespace adds the network namespace name, with its loopback up, and
// deletes it when the test ends; interfaces moved into it go with it.
func Namespace(t testing.TB, name string) string {
	t.Helper()
	Sh(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	Sh(t, "ip", "-n", name, "link", "set", "lo", "up")
	return name
}

// Veth adds a veth pair: host in the test's namespace, peer in ns (a
// namespace of Namespace) under the name peer. The pair is deleted when
// the test ends.
func Veth(t testing.TB, host, ns, peer string) {
	t.Helper()
	Sh(t, "ip", "link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", host).Run() })
}

// InNamespace is args run in namespace ns under Limited.
func InNamespace(ns string, limit time.Duration, args ...string) *exec.Cmd {
	return Limited(limit, append([]string{"ip", "netns", "exec", ns}, args...)...)
}
