package sensor

import (
	"path/filepath"
	"testing"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor/internal/gen"
)

// TestGeneratedCapture decodes a generated capture and checks the decoder's
// output against the generator's ground truth: every probe of every scan is
// seen with the right technique, and every answer in the right orientation.
func TestGeneratedCapture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gen.pcap")
	sum, err := gen.WriteFile(path, gen.Config{Seed: 42, Packets: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	rec, st, links, err := readAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != uint64(sum.Packets) || st.DecodeErrors+st.Truncated+st.Unsupported != 0 {
		t.Fatalf("stats %+v for %d packets", st, sum.Packets)
	}
	if len(links) != 1 || links[0] != LinkTypeEthernet {
		t.Errorf("link types %v", links)
	}
	for _, s := range sum.Scans {
		probes := map[detect.Technique]int{}
		hosts := map[string]bool{}
		for _, p := range rec.probes {
			if p.Src == s.Scanner {
				probes[p.Technique]++
				hosts[p.Dst.String()] = true
			}
		}
		var failed, succeeded int
		for _, r := range rec.replies {
			if r.Prober == s.Scanner {
				switch r.Outcome {
				case detect.Failed:
					failed++
				case detect.Succeeded:
					succeeded++
				}
			}
		}
		want := map[string]detect.Technique{
			"syn-portscan": detect.TechSYN, "syn-sweep": detect.TechSYN,
			"udp-portscan": detect.TechUDP, "ping-sweep": detect.TechICMP,
		}[s.Kind]
		if probes[want] != s.Probes || len(probes) != 1 || len(hosts) != s.Hosts {
			t.Errorf("%s: probes %v to %d hosts, want %d %v to %d hosts", s.Kind, probes, len(hosts), s.Probes, want, s.Hosts)
		}
		answers := failed + succeeded
		if s.Kind == "udp-portscan" {
			answers += 2 // DNS and NTP answer with UDP datagrams, which are probes to the decoder
		}
		if answers != s.Replies {
			t.Errorf("%s: %d failed + %d succeeded replies, want %d answers", s.Kind, failed, succeeded, s.Replies)
		}
	}
}
