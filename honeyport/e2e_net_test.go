//go:build linux

package honeyport

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// The end-to-end tests run real tools (nmap) and a flood from another
// network namespace against decoys in the test process, behind
// testkit.RequireE2E.

// testNet is a veth pair: one end in this (the decoys') namespace with
// address .1, the other in a namespace of its own, "the attacker", with .2
// and any more addresses the test adds. IPv4 addresses come from
// 198.19.0.0/16, the upper half of RFC 2544's 198.18.0.0/15 (never routed;
// the lower half is left to the sensor's tests), IPv6 ones from RFC 5180's
// 2001:2::/48. Names and subnets are unique per test; t.Cleanup removes the
// namespace, which takes the veth pair with it, even when the test fails.
type testNet struct {
	t      *testing.T
	ns     string
	veth   string
	net4   string // "198.19.N"
	net6   string // "2001:2:0:N::"
	has6   bool
	extras int
}

func newTestNet(t *testing.T) *testNet {
	t.Helper()
	id := testkit.ID()
	n := &testNet{t: t, ns: "hp" + id, veth: "hpv" + id}
	for range 50 {
		third, _ := rand.Int(rand.Reader, big.NewInt(254))
		n.net4 = fmt.Sprintf("198.19.%d", third.Int64()+1)
		n.net6 = fmt.Sprintf("2001:2:0:%x::", third.Int64()+1)
		out, _ := exec.Command("ip", "-o", "addr", "show", "to", n.net4+".0/24").Output()
		if len(strings.TrimSpace(string(out))) == 0 {
			break
		}
	}
	testkit.Namespace(t, n.ns)
	testkit.Veth(t, n.veth, n.ns, "eth0")
	testkit.Sh(t, "ip", "addr", "add", n.net4+".1/24", "dev", n.veth)
	testkit.Sh(t, "ip", "link", "set", n.veth, "up")
	testkit.Sh(t, "ip", "-n", n.ns, "addr", "add", n.net4+".2/24", "dev", "eth0")
	testkit.Sh(t, "ip", "-n", n.ns, "link", "set", "eth0", "up")
	// IPv6 where the kernel has it; nodad, so the addresses are usable at once.
	if exec.Command("ip", "-6", "addr", "add", n.net6+"1/64", "dev", n.veth, "nodad").Run() == nil &&
		exec.Command("ip", "-n", n.ns, "-6", "addr", "add", n.net6+"2/64", "dev", "eth0", "nodad").Run() == nil {
		n.has6 = true
	}
	return n
}

// host is the decoys' address; peer the attacker's first.
func (n *testNet) host() string  { return n.net4 + ".1" }
func (n *testNet) peer() string  { return n.net4 + ".2" }
func (n *testNet) host6() string { return n.net6 + "1" }
func (n *testNet) peer6() string { return n.net6 + "2" }

// addPeers gives the attacker's namespace count more addresses, .10 on,
// and returns them.
func (n *testNet) addPeers(count int) []string {
	var out []string
	for i := range count {
		a := fmt.Sprintf("%s.%d", n.net4, 10+n.extras+i)
		testkit.Sh(n.t, "ip", "-n", n.ns, "addr", "add", a+"/24", "dev", "eth0")
		out = append(out, a)
	}
	n.extras += count
	return out
}

// in runs a command in the attacker's namespace, killed after limit, and
// returns its combined output; failure fails the test.
func (n *testNet) in(limit time.Duration, env []string, args ...string) string {
	n.t.Helper()
	cmd := testkit.InNamespace(n.ns, limit, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		n.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
