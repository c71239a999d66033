package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSNode is one nats-server running as a process of its own, so that a
// test can kill it the way a host dies: SIGKILL, no goodbye to its routes
// or clients, its JetStream store left as it was.
type NATSNode struct {
	Name string
	URL  string // client URL
	cmd  *exec.Cmd
	wait func() (string, error)
}

// Kill ends the node with SIGKILL and waits until it is gone.
func (n *NATSNode) Kill(t testing.TB) {
	t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill nats-server %s: %v", n.Name, err)
	}
	_, _ = n.wait()
}

// NATSCluster starts n nats-server processes clustered over loopback
// routes, with JetStream, each accepting clients on a free port of
// clientHost (an address other network namespaces can reach, or
// 127.0.0.1), and returns once the cluster has a JetStream meta leader.
//
// The binary is built from the nats-server/v2 module this repository
// requires, the same code tests embed, since Debian's nats-server (2.9)
// predates consumers with several filter subjects. Nodes that are still
// running when the test ends get SIGTERM.
func NATSCluster(t testing.TB, n int, clientHost string) []*NATSNode {
	t.Helper()
	bin := natsServerBinary(t)
	routes := make([]string, n)
	routePorts := make([]uint16, n)
	for i := range n {
		routePorts[i] = FreePort(t, "tcp", "127.0.0.1")
		routes[i] = fmt.Sprintf("nats-route://127.0.0.1:%d", routePorts[i])
	}
	nodes := make([]*NATSNode, n)
	dir := t.TempDir()
	for i := range n {
		name := fmt.Sprintf("n%d", i+1)
		port := FreePort(t, "tcp", clientHost)
		conf := fmt.Sprintf(`server_name: %s
listen: %q
jetstream { store_dir: %q }
cluster {
  name: portsnare-test
  listen: "127.0.0.1:%d"
  routes: [%s]
}
`, name, net.JoinHostPort(clientHost, strconv.Itoa(int(port))), filepath.Join(dir, name),
			routePorts[i], strings.Join(routes, ", "))
		path := filepath.Join(dir, name+".conf")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-c", path)
		nodes[i] = &NATSNode{Name: name, URL: "nats://" + net.JoinHostPort(clientHost, strconv.Itoa(int(port))), cmd: cmd}
		nodes[i].wait = Background(t, cmd)
	}
	urls := make([]string, n)
	for i, node := range nodes {
		urls[i] = node.URL
	}
	var lastErr error
	ready := Until(60*time.Second, nil, func() bool {
		nc, err := nats.Connect(strings.Join(urls, ","), nats.Timeout(time.Second))
		if err != nil {
			lastErr = err
			return false
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err == nil {
			_, err = js.AccountInfo(t.Context())
		}
		lastErr = err
		return err == nil
	})
	if !ready {
		var logs strings.Builder
		for _, node := range nodes {
			_ = node.cmd.Process.Signal(syscall.SIGKILL)
			out, _ := node.wait()
			fmt.Fprintf(&logs, "--- %s\n%s", node.Name, out)
		}
		t.Fatalf("the nats-server cluster has no JetStream meta leader after 60s: %v\n%s", lastErr, logs.String())
	}
	return nodes
}

// natsServerBinary builds nats-server from the module cache into the
// test's directory.
func natsServerBinary(t testing.TB) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		Missing(t, "there is no go tool to build nats-server with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "nats-server")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/nats-io/nats-server/v2").CombinedOutput()
	if err != nil {
		t.Fatalf("go build nats-server: %v\n%s", err, out)
	}
	return bin
}
