package sensor

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor/internal/gen"
)

var benchPackets = flag.Int("sensor.bench-packets", 5_000_000,
	"packets in the capture BenchmarkReplay and BenchmarkBareRead generate")

// generatedCapture is a benchmark capture, generated once per test binary
// run into a temporary directory that TestMain removes: multi-megabyte
// captures are not committed.
type generatedCapture struct {
	once sync.Once
	dir  string
	path string
	sum  gen.Summary
	took time.Duration
	err  error
}

// benchCapture is BenchmarkReplay's and BenchmarkBareRead's;
// floodCapture, BenchmarkReplayFlood's.
var benchCapture, floodCapture generatedCapture

// get generates the capture as file name from cfg on its first call, and
// returns its path and summary.
func (c *generatedCapture) get(b *testing.B, name string, cfg gen.Config) (string, gen.Summary) {
	c.once.Do(func() {
		c.dir, c.err = os.MkdirTemp("", "portsnare-bench-")
		if c.err != nil {
			return
		}
		c.path = filepath.Join(c.dir, name)
		began := time.Now()
		c.sum, c.err = gen.WriteFile(c.path, cfg)
		c.took = time.Since(began)
	})
	if c.err != nil {
		b.Fatalf("generate capture: %v", c.err)
	}
	b.Logf("capture: %d packets, %d MiB, generated in %s", c.sum.Packets, c.sum.Bytes>>20, c.took.Round(time.Millisecond))
	return c.path, c.sum
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{benchCapture.dir, floodCapture.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// bigCapture returns the path of the generated benchmark capture.
func bigCapture(b *testing.B) (string, gen.Summary) {
	return benchCapture.get(b, "bench.pcap", gen.Config{Seed: 1, Packets: *benchPackets})
}

// BenchmarkDecode measures the decoder alone, per packet kind; one op is one
// packet.
func BenchmarkDecode(b *testing.B) {
	udpProbe := v4(b, scanner, target, layers.IPProtocolUDP, udp(40000, 161), gopaPayload("public"))
	kinds := []struct {
		name string
		link LinkType
		data []byte
	}{
		{"syn", LinkTypeEthernet, eth4(v4(b, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS)))},
		{"syn-connect", LinkTypeEthernet, eth4(v4(b, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS, optSACK, optTS, optNOP, optWS)))},
		{"rst", LinkTypeEthernet, eth4(v4(b, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "RA")))},
		{"data-segment", LinkTypeEthernet, eth4(v4(b, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "PA"), make(gopaPayload, 1400)))},
		{"udp", LinkTypeEthernet, eth4(udpProbe)},
		{"icmp-unreachable", LinkTypeEthernet, eth4(v4(b, target, scanner, layers.IPProtocolICMPv4, icmp4(3, 3, 0), quoteOf(udpProbe, 20)))},
		{"icmp-echo", LinkTypeEthernet, eth4(v4(b, scanner, target, layers.IPProtocolICMPv4, icmp4(8, 0, 7), make(gopaPayload, 56)))},
		{"syn-v6-vlan", LinkTypeEthernet, ether(etherTypeDot1Q, vlan(5, etherTypeIPv6, v6(b, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))))},
		{"icmp6-unreachable", LinkTypeEthernet, eth6(v6(b, target6, scanner6, layers.IPProtocolICMPv6, icmp6(1, 4, append([]byte{0, 0, 0, 0}, v6(b, scanner6, target6, layers.IPProtocolUDP, udp(1, 2))...)...)))},
		{"sll2-syn", LinkTypeLinuxSLL2, sll2(0, 1, etherTypeIPv4, v4(b, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S")))},
		{"arp", LinkTypeEthernet, ether(0x0806, make([]byte, 28))},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			d := NewDecoder(nopHandler{})
			b.ReportAllocs()
			b.SetBytes(int64(len(k.data)))
			for b.Loop() {
				d.Decode(k.link, testTime, k.data)
			}
		})
	}
}

// BenchmarkReplay replays the generated capture through Replay and the real
// engine; one op is the whole capture.
func BenchmarkReplay(b *testing.B) {
	path, sum := bigCapture(b)
	b.ReportAllocs()
	var st ReplayStats
	var packets uint64
	for b.Loop() {
		var err error
		st, err = Replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: detect.DefaultConfig()})
		if err != nil {
			b.Fatal(err)
		}
		packets += st.Packets
	}
	if st.Packets != uint64(sum.Packets) {
		b.Fatalf("replayed %d packets of %d", st.Packets, sum.Packets)
	}
	elapsed := b.Elapsed()
	b.ReportMetric(float64(packets)/elapsed.Seconds(), "packets/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(packets), "ns/packet")
	// The baseline, measured in the same run so that the ratio survives a
	// noisy machine: a bare pcapgo loop over the same file, as many times.
	start := time.Now()
	for range b.N {
		if _, err := bareRead(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(elapsed)/float64(time.Since(start)), "x-bare-read")
	// tcpdump's filter pass over the same file, as many times: its wall
	// time over Replay's, so above 1 the replay is the faster of the two.
	if took, ok := tcpdumpPass(b, path, b.N); ok {
		b.ReportMetric(float64(took)/float64(elapsed), "x-tcpdump")
	}
}

// BenchmarkReplaySerial is BenchmarkReplay on one goroutine, as replay ran
// before it was pipelined: the pipeline's gain, measured in the same run.
func BenchmarkReplaySerial(b *testing.B) {
	path, sum := bigCapture(b)
	b.ReportAllocs()
	var packets uint64
	for b.Loop() {
		st, err := replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: detect.DefaultConfig()}, serial)
		if err != nil {
			b.Fatal(err)
		}
		if st.Packets != uint64(sum.Packets) {
			b.Fatalf("replayed %d packets of %d", st.Packets, sum.Packets)
		}
		packets += st.Packets
	}
	elapsed := b.Elapsed()
	b.ReportMetric(float64(packets)/elapsed.Seconds(), "packets/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(packets), "ns/packet")
	if took, ok := tcpdumpPass(b, path, b.N); ok {
		b.ReportMetric(float64(took)/float64(elapsed), "x-tcpdump")
	}
}

// BenchmarkReplayFlood replays a capture in which half the packets are
// SYNs from one-packet spoofed sources (2 million of 4 million by default),
// and checks that every embedded scanner is still alerted; one op is the
// whole capture. Its bare-read baseline is measured in the same run.
func BenchmarkReplayFlood(b *testing.B) {
	n := *benchFloodPackets
	path, sum := floodCapture.get(b, "flood.pcap", gen.Config{Seed: 2, Packets: n, Spoofed: n / 2})
	b.ReportAllocs()
	var packets uint64
	var alerted map[string]bool
	for b.Loop() {
		alerted = map[string]bool{}
		st, err := Replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: detect.DefaultConfig(),
			Alerts: func(a *detect.Alert) { alerted[a.Source.IP] = true }})
		if err != nil {
			b.Fatal(err)
		}
		packets += st.Packets
	}
	for _, s := range sum.Scans {
		if !alerted[s.Scanner.String()] {
			b.Errorf("%s by %s not alerted under the flood", s.Kind, s.Scanner)
		}
	}
	elapsed := b.Elapsed()
	b.ReportMetric(float64(packets)/elapsed.Seconds(), "packets/s")
	start := time.Now()
	for range b.N {
		if _, err := bareRead(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(elapsed)/float64(time.Since(start)), "x-bare-read")
}

var benchFloodPackets = flag.Int("sensor.bench-flood-packets", 4_000_000,
	"packets in the capture BenchmarkReplayFlood generates, half of them from spoofed one-packet sources")

// BenchmarkBareRead reads the same capture with a bare pcapgo loop and no
// decoding, the floor Replay's cost is measured against.
func BenchmarkBareRead(b *testing.B) {
	path, sum := bigCapture(b)
	b.ReportAllocs()
	var packets uint64
	for b.Loop() {
		n, err := bareRead(path)
		if err != nil {
			b.Fatal(err)
		}
		if n != uint64(sum.Packets) {
			b.Fatalf("read %d packets of %d", n, sum.Packets)
		}
		packets += n
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(packets), "ns/packet")
}

// BenchmarkReadDecode reads the capture and decodes every packet, with a
// Handler that does nothing: Replay's cost without the engine's.
func BenchmarkReadDecode(b *testing.B) {
	path, sum := bigCapture(b)
	b.ReportAllocs()
	var packets uint64
	for b.Loop() {
		c, err := openCapture(path)
		if err != nil {
			b.Fatal(err)
		}
		d := NewDecoder(nopHandler{})
		for {
			data, ts, link, err := c.src.next()
			if err != nil {
				break
			}
			d.Decode(link, ts, data)
		}
		c.close()
		if st := d.Stats(); st.Packets != uint64(sum.Packets) || st.DecodeErrors != 0 {
			b.Fatalf("decoded %+v of %d packets", st, sum.Packets)
		}
		packets += uint64(sum.Packets)
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(packets), "ns/packet")
}

func bareRead(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(bufio.NewReaderSize(f, readBufferSize))
	if err != nil {
		return 0, err
	}
	var n uint64
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("packet %d: %w", n, err)
		}
		n++
	}
}
