// Package gen writes synthetic captures for tests and benchmarks: benign
// background traffic (TCP sessions and DNS lookups among hosts in
// 198.18.0.0/15) with scans embedded at known times, and the ground truth of
// what was embedded. The same Config always gives the same bytes.
package gen

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Config describes a capture.
type Config struct {
	// Seed makes the capture reproducible.
	Seed uint64
	// Packets is the number of packets to write, scans included.
	Packets int
	// Rate is the background packet rate in packets per second of capture
	// time; 0 means 50 000.
	Rate int
	// Start is the first packet's time; zero means 2024-01-01T00:00:00Z.
	Start time.Time
	// Spoofed is how many background packets are instead SYNs from
	// one-packet spoofed sources (a SYN flood), spread evenly; each comes
	// from an address never used before, in 100.64.0.0/10.
	Spoofed int
}

// Scan is the ground truth of one embedded scan.
type Scan struct {
	// Kind is "syn-portscan", "syn-sweep", "udp-portscan" or "ping-sweep".
	Kind    string
	Scanner netip.Addr
	// Target is the host scanned, or the first host of a sweep's range.
	Target netip.Addr
	Hosts  int // hosts probed
	Ports  int // ports probed per host (1 for a ping sweep)
	Probes int
	// Replies counts the target's answers: SYN-ACK, RST, ICMP, UDP.
	Replies    int
	Start, End time.Time
}

// Summary tells what was written.
type Summary struct {
	Packets int
	Bytes   int64
	Scans   []Scan
}

// Write writes a pcap capture (Ethernet, microsecond timestamps) to w.
func Write(w io.Writer, cfg Config) (Summary, error) {
	if cfg.Rate == 0 {
		cfg.Rate = 50_000
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if cfg.Rate < 0 {
		return Summary{}, fmt.Errorf("gen: rate must be positive, got %d", cfg.Rate)
	}
	if cfg.Spoofed < 0 || cfg.Spoofed > maxSpoofed {
		return Summary{}, fmt.Errorf("gen: spoofed sources must be between 0 and %d, got %d", maxSpoofed, cfg.Spoofed)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	plans := planScans(rng)
	var scanPkts int
	for _, p := range plans {
		scanPkts += len(p.pkts)
	}
	if cfg.Packets-cfg.Spoofed < 2*scanPkts {
		return Summary{}, fmt.Errorf("gen: %d packets leave no room for the scans' %d; ask for at least %d",
			cfg.Packets, scanPkts, 2*scanPkts)
	}
	interval := time.Second / time.Duration(cfg.Rate)
	span := time.Duration(cfg.Packets-scanPkts) * interval
	sum := Summary{}
	var scans []pkt
	for _, p := range plans {
		p.place(span)
		scans = append(scans, p.pkts...)
		p.scan.Start = cfg.Start.Add(p.pkts[0].at)
		p.scan.End = cfg.Start.Add(p.pkts[len(p.pkts)-1].at)
		sum.Scans = append(sum.Scans, p.scan)
	}
	slices.SortStableFunc(scans, func(a, b pkt) int { return cmp.Compare(a.at, b.at) })

	bw := bufio.NewWriterSize(w, 1<<20)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		return sum, err
	}
	sum.Bytes = 24
	b := newBuilder()
	bg := newBackground(rng)
	var p pkt
	for si, bi := 0, 0; sum.Packets < cfg.Packets; sum.Packets++ {
		bgAt := time.Duration(bi) * interval
		if si < len(scans) && scans[si].at <= bgAt {
			p = scans[si]
			si++
		} else {
			if bgPkts := cfg.Packets - scanPkts; cfg.Spoofed > 0 && (bi+1)*cfg.Spoofed/bgPkts > bi*cfg.Spoofed/bgPkts {
				spoofedSYN(&p, bi*cfg.Spoofed/bgPkts)
			} else {
				bg.next(&p)
			}
			p.at = bgAt
			bi++
		}
		frame, err := b.build(&p)
		if err != nil {
			return sum, err
		}
		ci := gopacket.CaptureInfo{Timestamp: cfg.Start.Add(p.at), CaptureLength: len(frame), Length: len(frame)}
		if err := pw.WritePacket(ci, frame); err != nil {
			return sum, err
		}
		sum.Bytes += 16 + int64(len(frame))
	}
	return sum, bw.Flush()
}

// WriteFile writes a capture to a new file at path.
func WriteFile(path string, cfg Config) (Summary, error) {
	f, err := os.Create(path)
	if err != nil {
		return Summary{}, err
	}
	sum, err := Write(f, cfg)
	return sum, errors.Join(err, f.Close())
}
