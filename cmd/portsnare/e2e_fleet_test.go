//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/internal/fleet"
	"github.com/portsnare/portsnare/internal/testkit"
)

// fleetProc is a portsnare process of the fleet test: a sensor in its
// namespace or the correlator.
type fleetProc struct {
	name    string
	metrics string // base URL of its /metrics and /healthz
	wait    func() (string, error)
	signal  func() // SIGTERM, as systemd stops it
}

// startFleetProc starts bin with args, in namespace ns unless it is
// empty, and waits until its metrics endpoint answers. It is not wrapped
// in timeout(1), which would pass SIGTERM on to its process group as well
// as to the command, a second signal that cuts the final flush short; the
// test's own cleanup stops it.
func startFleetProc(t *testing.T, name, metrics string, ns string, bin string, args ...string) *fleetProc {
	t.Helper()
	argv := append([]string{bin}, args...)
	if ns != "" {
		argv = append([]string{"ip", "netns", "exec", ns}, argv...) // ip execs: the process is the command
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	p := &fleetProc{name: name, metrics: "http://" + metrics}
	p.wait = testkit.Background(t, cmd)
	p.signal = func() { _ = cmd.Process.Signal(syscall.SIGTERM) }
	client := http.Client{Timeout: time.Second}
	testkit.WaitFor(t, 30*time.Second, name+"'s /healthz", func() bool {
		resp, err := client.Get(p.metrics + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return p
}

// stop sends SIGTERM, waits, checks the exit status and returns the
// process's output.
func (p *fleetProc) stop(t *testing.T) string {
	t.Helper()
	p.signal()
	out, err := p.wait()
	if err != nil {
		t.Errorf("%s exited with %v:\n%s", p.name, err, out)
	}
	return out
}

// Three sensors (portsnare run in three network namespaces, each on the
// host it guards) and one correlator share a cluster of three nats-server
// processes with their streams replicated three times. A real nmap probes
// three ports of the host behind each sensor: no sensor alerts on its own,
// and one fleet port scan names all three. While it probes the second
// host, the evidence stream's leader is killed with SIGKILL: no evidence
// and no alert is lost, and none is stored twice.
func TestE2EFleetOnNATSCluster(t *testing.T) {
	testkit.RequireE2E(t, "nmap")
	bin := testkit.Binary(t, ".")
	bd := newBed(t, 94)
	nodes := testkit.NATSCluster(t, 3, bd.addr(1))
	var urls []string
	for _, n := range nodes {
		urls = append(urls, n.URL)
	}
	urlList := strings.Join(urls, ",")
	natsYAML := func(spool string) string {
		return fmt.Sprintf("nats:\n  urls: [%s]\n  replicas: 3\n  spool_dir: %s\nfleet:\n  replicas: 3\n",
			strings.Join(urls, ", "), spool)
	}

	sensorNames := []string{"edge-a", "edge-b", "edge-c"}
	targets := make([]string, len(sensorNames))
	var sensors []*fleetProc
	for i, name := range sensorNames {
		host := 2 + i
		ns := bd.client(host)
		targets[i] = bd.addr(host)
		metrics := targets[i] + ":9464"
		cfg := writeFile(t, name+".yaml", natsYAML(filepath.Join(t.TempDir(), "spool"))+
			fmt.Sprintf("  enabled: true\n  batch_interval: 500ms\nsensor:\n  name: %s\nmetrics:\n  listen: %s\n", name, metrics))
		sensors = append(sensors, startFleetProc(t, name, metrics, ns, bin,
			"run", "-c", cfg, "-i", "eth0", "--stdout", "--log-level", "info"))
	}
	corrMetrics := freeFixedPort(t)
	corrCfg := writeFile(t, "correlate.yaml", natsYAML(filepath.Join(t.TempDir(), "spool"))+
		fmt.Sprintf("correlate:\n  name: corr-1\nmetrics:\n  listen: %s\n", corrMetrics))
	corr := startFleetProc(t, "correlate", corrMetrics, "", bin, "correlate", "-c", corrCfg, "--log-level", "info")
	records := func() float64 {
		v, err := testkit.Scrape(corr.metrics, `portsnare_correlate_evidence_total{unit="records"}`)
		if err != nil {
			return -1
		}
		return v
	}

	scanner := bd.client(10)
	nmap := func(target string, delay time.Duration) []string {
		return []string{"nmap", "-n", "-Pn", "-sS", "--max-retries", "0", "--scan-delay", delay.String(),
			"-p", "1001,1002,1003", target}
	}
	bd.in(scanner, 2*time.Minute, nmap(targets[0], 0)...)
	testkit.WaitFor(t, time.Minute, "the correlator to take the first host's evidence", func() bool { return records() >= 3 })

	// Kill the node that leads the evidence stream: the hardest node to lose.
	js := testkit.JetStream(t, urlList)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, "PORTSNARE_EVIDENCE")
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 || info.Cluster == nil {
		t.Fatalf("the evidence stream has %d replicas (cluster %+v), want 3", info.Config.Replicas, info.Cluster)
	}
	killed := slices.IndexFunc(nodes, func(n *testkit.NATSNode) bool { return n.Name == info.Cluster.Leader })
	if killed < 0 {
		t.Fatalf("the evidence stream's leader %q is none of the nodes", info.Cluster.Leader)
	}
	// The second host is probed slowly, one port a second, and the node
	// dies between its probes, with evidence batches on their way.
	second := bd.start(scanner, 2*time.Minute, nmap(targets[1], time.Second)...)
	time.Sleep(1500 * time.Millisecond)
	nodes[killed].Kill(t)
	t.Logf("killed %s, the evidence stream's leader", nodes[killed].Name)
	if out, err := second(); err != nil {
		t.Fatalf("nmap: %v\n%s", err, out)
	}
	bd.in(scanner, 2*time.Minute, nmap(targets[2], 0)...)
	// Until the streams the lost node led have elected new leaders (a few
	// seconds), reading them can time out: that is retried.
	testkit.WaitFor(t, 2*time.Minute, "a fleet alert in the alerts stream", func() bool {
		code, out, _ := runCLI(t, "alerts", "--nats", urlList, "--json")
		return code == exitOK && strings.Contains(out, `"type":"fleet"`)
	})

	// Stop the sensors, then the correlator: open episodes end and their
	// summaries are published before each exits.
	for _, s := range sensors {
		out := s.stop(t)
		for line := range strings.Lines(out) {
			if strings.HasPrefix(line, "{") && strings.Contains(line, bd.addr(10)) {
				t.Errorf("sensor %s alerted on its own: %s", s.name, line)
			}
		}
	}
	wantRecords := records()
	corr.stop(t)

	// Every alert once, and none from a sensor about the scanner.
	code, out, stderr := runCLI(t, "alerts", "--nats", urlList, "--json")
	if code != exitOK {
		t.Fatalf("alerts: exit %d\n%s", code, stderr)
	}
	ids := map[string]bool{}
	episodes, ends := map[string]bool{}, 0
	for line := range strings.Lines(out) {
		if err := testkit.ValidAlert([]byte(line)); err != nil {
			t.Errorf("alert outside the schema: %v", err)
		}
		var doc struct {
			Event struct {
				ID     string `json:"id"`
				Action string `json:"action"`
			} `json:"event"`
			Observer struct {
				Type string `json:"type"`
			} `json:"observer"`
			Source struct {
				IP string `json:"ip"`
			} `json:"source"`
			Portsnare struct {
				Episode string `json:"episode"`
				Phase   string `json:"phase"`
				Fleet   struct {
					Sensors []string `json:"sensors"`
				} `json:"fleet"`
			} `json:"portsnare"`
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("alerts printed %q: %v", line, err)
		}
		if ids[doc.Event.ID] {
			t.Errorf("alert %s is stored twice", doc.Event.ID)
		}
		ids[doc.Event.ID] = true
		if doc.Source.IP != bd.addr(10) {
			continue
		}
		if doc.Observer.Type != "fleet" {
			t.Errorf("a sensor alerted on the scanner by itself: %s", line)
			continue
		}
		if doc.Event.Action != "fleet-portscan" {
			t.Errorf("fleet alert %s, want fleet-portscan: %s", doc.Event.Action, line)
			continue
		}
		episodes[doc.Portsnare.Episode] = true
		if doc.Portsnare.Phase == "end" {
			ends++
			if !slices.Equal(doc.Portsnare.Fleet.Sensors, sensorNames) {
				t.Errorf("the fleet alert names sensors %v, want %v", doc.Portsnare.Fleet.Sensors, sensorNames)
			}
		}
	}
	if len(episodes) != 1 || ends != 1 {
		t.Errorf("%d fleet-portscan episodes and %d ends for the scanner, want one of each", len(episodes), ends)
	}

	// The evidence stream holds each of the nine refused probes once, and
	// the correlator took every record the stream holds.
	var probes map[string]int
	var stored int
	testkit.WaitFor(t, time.Minute, "the evidence stream read whole", func() bool {
		probes, stored, err = evidenceOf(t.Context(), js, bd.addr(10))
		return err == nil
	})
	if len(probes) != 9 {
		t.Errorf("the evidence stream holds %d distinct probes of the scanner, want 9: %v", len(probes), probes)
	}
	for p, n := range probes {
		if n != 1 {
			t.Errorf("probe %s is in the evidence stream %d times", p, n)
		}
	}
	t.Logf("%d alerts in the stream, %d evidence records, %d fleet-portscan episodes", len(ids), stored, len(episodes))
	if float64(stored) != wantRecords {
		t.Errorf("the correlator took %v evidence records, the stream holds %d", wantRecords, stored)
	}
}

// evidenceOf reads the whole evidence stream and returns how often each
// probe of src (target:port) is recorded, and the number of records of
// every source. An error may be passing (a stream electing its leader).
func evidenceOf(ctx context.Context, js jetstream.JetStream, src string) (map[string]int, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := js.OrderedConsumer(ctx, "PORTSNARE_EVIDENCE", jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, 0, err
	}
	info, err := c.Info(ctx)
	if err != nil {
		return nil, 0, err
	}
	probes, total := map[string]int{}, 0
	for range info.NumPending {
		m, err := c.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			return nil, 0, err
		}
		b, err := fleet.DecodeBatch(bytes.Clone(m.Data()))
		if err != nil {
			return nil, 0, fmt.Errorf("evidence batch on %s: %w", m.Subject(), err)
		}
		total += len(b.Records)
		for _, r := range b.Records {
			if r.Src.String() == src {
				probes[fmt.Sprintf("%s:%d", r.Dst, r.Port)]++
			}
		}
	}
	return probes, total, nil
}
