//go:build linux

package honeyport

import (
	"net"
	"slices"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// freeCurated returns a curated port of proto that nothing on this host
// holds, so that the test can play the service that takes it.
func freeCurated(t *testing.T, proto uint8, not ...Port) Port {
	t.Helper()
	socks, err := readProcNet("/proc/net")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range curated {
		if p.Proto != proto || p.Num < 1024 || slices.Contains(not, p) {
			continue
		}
		if !slices.ContainsFunc(socks, func(s socket) bool { return s.holds() && s.Port == p }) {
			return p
		}
	}
	t.Skip("every curated port is in use on this host")
	return Port{}
}

// The test: start a real service on a curated port, then run
// "auto": the port is not taken, on any address, now or at a recheck after
// the service stops (it may be restarting).
func TestAutoNeverTakesAServicesPort(t *testing.T) {
	tp, up := freeCurated(t, detect.ProtoTCP), freeCurated(t, detect.ProtoUDP)
	svc, err := net.Listen("tcp4", "127.0.0.1:"+itoa(tp.Num))
	if err != nil {
		t.Fatal(err)
	}
	usvc, err := net.ListenPacket("udp6", "[::1]:"+itoa(up.Num)) // another family than the decoys'
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}

	// "auto", narrowed to the two service ports and one free control port,
	// so that the test holds few of the host's ports, for a short time.
	control := freeCurated(t, detect.ProtoTCP, tp)
	cfg := testConfig("auto")
	for _, p := range curated {
		if p != tp && p != up && p != control {
			cfg.ExcludePorts = append(cfg.ExcludePorts, p.String())
		}
	}
	d := start(t, cfg, func(detect.Touch) {})
	if holdsPort(d, tp) || holdsPort(d, up) {
		t.Fatalf("decoy took a service's port: %v", d.Ports())
	}
	if !holds(d, control, "127.0.0.1") {
		t.Fatalf("auto did not take the free control port %s: %v", control, d.Ports())
	}

	svc.Close()
	usvc.Close()
	recheck(d)
	if holdsPort(d, tp) || holdsPort(d, up) {
		t.Errorf("decoy took the port of a service that stopped (it may be restarting): %v", d.Ports())
	}
	// And the service can come back.
	svc, err = net.Listen("tcp4", "127.0.0.1:"+itoa(tp.Num))
	if err != nil {
		t.Fatalf("service cannot rebind its port: %v", err)
	}
	svc.Close()
}

// The look at /proc/net can be stale by the time of the bind: a service that
// binds in between makes the bind fail, which skips the port just the same.
func TestBindFailureSkipsPort(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	svc, err := net.Listen("tcp4", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	cfg := testConfig(itoa(port))
	cfg.Addresses = []string{"0.0.0.0"} // overlaps the service's address
	d, err := New(cfg, func(detect.Touch) {}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	d.procNet = func() ([]socket, error) { return nil, nil } // sees nothing
	runDecoys(t, d)
	if holdsPort(d, tcp(port)) {
		t.Fatalf("bound beside a listening service: %v", d.Ports())
	}
	svc.Close()
	recheck(d)
	if holdsPort(d, tcp(port)) {
		t.Error("took the port once the service stopped")
	}
}

// A decoy bound to one address cannot stop a service from listening on
// another; when one does, the decoy yields the port.
func TestServiceBesideDecoyReleasesIt(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	d := start(t, testConfig(itoa(port)), func(detect.Touch) {})
	if !holds(d, tcp(port), "127.0.0.1") {
		t.Fatalf("not held: %v", d.Ports())
	}
	svc, err := net.Listen("tcp4", "127.0.0.2:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	recheck(d)
	if holdsPort(d, tcp(port)) {
		t.Errorf("decoy kept a port a service now uses: %v", d.Ports())
	}
}

// A port is held on all addresses or none: a bind that finds it in use on
// one family closes the others.
func TestInUseOnOneFamilyReleasesAll(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	svc, err := net.Listen("tcp6", "[::1]:"+itoa(port))
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	defer svc.Close()
	cfg := testConfig(itoa(port))
	cfg.Addresses = []string{"127.0.0.1", "::1"}
	d, err := New(cfg, func(detect.Touch) {}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	d.procNet = func() ([]socket, error) { return nil, nil }
	runDecoys(t, d)
	if holdsPort(d, tcp(port)) {
		t.Errorf("held on one family while a service has the other: %v", d.Ports())
	}
	c, err := net.Listen("tcp4", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Errorf("IPv4 socket of the decoy left open: %v", err)
	} else {
		c.Close()
	}
}

func TestReload(t *testing.T) {
	a, b, c := testkit.FreePort(t, "tcp", "127.0.0.1"), testkit.FreePort(t, "tcp", "127.0.0.1"), testkit.FreePort(t, "udp", "127.0.0.1")
	d := start(t, testConfig(itoa(a), itoa(b)), func(detect.Touch) {})
	if !holdsPort(d, tcp(a)) || !holdsPort(d, tcp(b)) {
		t.Fatalf("held %v", d.Ports())
	}
	if err := d.Reload(testConfig(itoa(b), itoa(c)+"/udp")); err != nil {
		t.Fatal(err)
	}
	if holdsPort(d, tcp(a)) || !holdsPort(d, tcp(b)) || !holdsPort(d, udp(c)) {
		t.Errorf("after reload: %v", d.Ports())
	}
	// A released port is free for a service at once.
	svc, err := net.Listen("tcp4", "127.0.0.1:"+itoa(a))
	if err != nil {
		t.Fatalf("released port not free: %v", err)
	}
	svc.Close()

	bad := testConfig("nope")
	if err := d.Reload(bad); err == nil {
		t.Error("invalid configuration accepted")
	}
	if !holdsPort(d, tcp(b)) {
		t.Error("invalid reload changed the decoys")
	}

	off := testConfig(itoa(b))
	off.Enabled = false
	if err := d.Reload(off); err != nil {
		t.Fatal(err)
	}
	if len(d.Ports()) != 0 || d.Stats().PortsHeld != 0 {
		t.Errorf("disabled, still holding %v", d.Ports())
	}
	if err := d.Reload(testConfig(itoa(b))); err != nil {
		t.Fatal(err)
	}
	if !holdsPort(d, tcp(b)) {
		t.Errorf("re-enabled, holding %v", d.Ports())
	}
}

// Reload before Run only stores the configuration.
func TestReloadBeforeRun(t *testing.T) {
	a := testkit.FreePort(t, "tcp", "127.0.0.1")
	d, err := New(testConfig(), func(detect.Touch) {}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(testConfig(itoa(a))); err != nil {
		t.Fatal(err)
	}
	if len(d.Ports()) != 0 {
		t.Fatal("opened before Run")
	}
	runDecoys(t, d)
	if !holdsPort(d, tcp(a)) {
		t.Errorf("Run did not use the reloaded configuration: %v", d.Ports())
	}
}

// A reload that drops an address closes the decoys' sockets on it.
func TestReloadDropsAddress(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.Addresses = []string{"127.0.0.1", "127.0.0.2"}
	d := start(t, cfg, func(detect.Touch) {})
	if !holds(d, tcp(port), "127.0.0.2") {
		t.Fatalf("held %v", d.Ports())
	}
	cfg.Addresses = []string{"127.0.0.1"}
	if err := d.Reload(cfg); err != nil {
		t.Fatal(err)
	}
	if holds(d, tcp(port), "127.0.0.2") || !holds(d, tcp(port), "127.0.0.1") {
		t.Errorf("after dropping 127.0.0.2: %v", d.Ports())
	}
	if c, err := net.Dial("tcp", "127.0.0.2:"+itoa(port)); err == nil {
		c.Close()
		t.Error("socket on the dropped address still accepts")
	}
}
