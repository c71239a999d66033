package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/internal/testkit"
)

// tcpRecord is a pcap record of an Ethernet/IPv4/TCP frame at ts.
func tcpRecord(ts time.Time, src, dst [4]byte, sport, dport uint16, seq, ack uint32, flags byte, win uint16) []byte {
	const frameLen = 14 + 20 + 20
	r := make([]byte, 16+frameLen)
	binary.LittleEndian.PutUint32(r[0:], uint32(ts.Unix()))
	binary.LittleEndian.PutUint32(r[4:], uint32(ts.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(r[8:], frameLen)
	binary.LittleEndian.PutUint32(r[12:], frameLen)
	e := r[16:]
	copy(e[0:6], []byte{2, 0, 0, 0, 0, dst[3]})
	copy(e[6:12], []byte{2, 0, 0, 0, 0, src[3]})
	binary.BigEndian.PutUint16(e[12:], 0x0800)
	ip := e[14:34]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 40)
	binary.BigEndian.PutUint16(ip[4:], uint16(seq))
	ip[8], ip[9] = 64, 6 // TTL, TCP
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	var sum uint32
	for j := 0; j < 20; j += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[j:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	tcp := e[34:]
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12] = 5 << 4
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], win)
	return r
}

// refusedScanPcap writes a capture of scanner probing ports of target,
// each SYN answered by a RST, from at on.
func refusedScanPcap(t *testing.T, name string, at time.Time, scanner, target [4]byte, ports ...uint16) string {
	t.Helper()
	b := pcapHeader()
	for i, port := range ports {
		ts := at.Add(time.Duration(i) * 10 * time.Millisecond)
		seq := uint32(1000 + i)
		b = append(b, tcpRecord(ts, scanner, target, 41000, port, seq, 0, 0x02, 1024)...)
		b = append(b, tcpRecord(ts.Add(time.Millisecond), target, scanner, port, 41000, 0, seq+1, 0x14, 0)...)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fleetAlerts reads the alerts stream back and returns the fleet alerts.
func fleetAlerts(t *testing.T, url string) []map[string]any {
	t.Helper()
	code, out, stderr := runCLI(t, "alerts", "--nats", url, "--json")
	if code != exitOK {
		t.Fatalf("alerts: exit %d\n%s", code, stderr)
	}
	var fleet []map[string]any
	for line := range strings.Lines(out) {
		var doc map[string]any
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("alerts printed %q: %v", line, err)
		}
		if obs, _ := doc["observer"].(map[string]any); obs["type"] == "fleet" {
			fleet = append(fleet, doc)
		}
	}
	return fleet
}

// Three captures, each of three refused ports of one host, are replayed
// as three sensors (sensor.name) with fleet.enabled: none alerts, yet one
// correlate run raises one fleet-portscan naming all three.
func TestReplayFleetEvidenceReachesCorrelator(t *testing.T) {
	url := natsServer(t)
	at := time.Unix(1_700_000_000, 0)
	scanner, target := [4]byte{198, 18, 0, 10}, [4]byte{198, 18, 1, 2}
	for i, name := range []string{"edge-a", "edge-b", "edge-c"} {
		base := uint16(100 * (i + 1))
		pcap := refusedScanPcap(t, name+".pcap", at.Add(time.Duration(i)*time.Second), scanner, target, base, base+1, base+2)
		cfg := writeFile(t, name+".yaml", "sensor:\n  name: "+name+"\nfleet:\n  enabled: true\n")
		// --log-level error: the publishers' log lines would share the
		// summary's buffer, which (unlike a terminal or a file) is not safe
		// for concurrent writes.
		code, stdout, stderr := runCLI(t, "replay", "--no-progress", "--log-level", "error", "-c", cfg, "--nats", url, pcap)
		if code != exitOK {
			t.Fatalf("replay as %s: exit %d\n%s", name, code, stderr)
		}
		if stdout != "" {
			t.Fatalf("sensor %s alerted on its own:\n%s", name, stdout)
		}
		if !strings.Contains(stderr, "evidence batches published to "+url+", stream PORTSNARE_EVIDENCE") {
			t.Errorf("replay as %s does not say it published evidence:\n%s", name, stderr)
		}
	}

	cfg := writeFile(t, "correlate.yaml", "nats:\n  spool_dir: "+filepath.Join(t.TempDir(), "spool")+"\ncorrelate:\n  name: corr-1\n")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		code, _, _ := runCLIContext(t, ctx, "correlate", "-c", cfg, "--nats", url, "--log-level", "error")
		done <- code
	}()
	testkit.WaitFor(t, time.Minute, "a fleet alert in the alerts stream", func() bool { return len(fleetAlerts(t, url)) > 0 })
	cancel() // open episodes end, and their summaries are published before exit
	if code := <-done; code != exitOK {
		t.Fatalf("correlate: exit %d", code)
	}

	// The start names the sensors seen when the scan was first judged one;
	// the end, the summary, names all of them.
	episodes, ends := map[string]bool{}, 0
	for _, doc := range fleetAlerts(t, url) {
		ev := doc["event"].(map[string]any)
		if ev["action"] != "fleet-portscan" {
			t.Errorf("unexpected fleet alert %s: %s", ev["action"], doc["message"])
			continue
		}
		pd := doc["portsnare"].(map[string]any)
		episodes[pd["episode"].(string)] = true
		if pd["phase"] != "end" {
			continue
		}
		ends++
		var sensors []string
		for _, s := range pd["fleet"].(map[string]any)["sensors"].([]any) {
			sensors = append(sensors, s.(string))
		}
		if !slices.Equal(sensors, []string{"edge-a", "edge-b", "edge-c"}) {
			t.Errorf("fleet alert names sensors %v, want edge-a, edge-b, edge-c", sensors)
		}
	}
	if len(episodes) != 1 || ends != 1 {
		t.Errorf("%d fleet-portscan episodes and %d ends, want one of each", len(episodes), ends)
	}
}
