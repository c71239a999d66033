package sensor

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// testEngine is a small engine configuration: the tests do not depend on
// what the engine detects, only on Replay feeding it.
func testEngine() detect.Config {
	cfg := detect.DefaultConfig()
	cfg.MaxSources = 1024
	cfg.ContactTableSize = 4096
	return cfg
}

func TestReplayFilesInOrder(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	pkts := scanPackets(t, start, 300) // 3 s of packet time
	// One scan split over three files of different formats.
	a := writeFile(t, dir, "a.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts[:200]))
	b := writeFile(t, dir, "b.pcapng.gz", gzipped(t, pcapngBytes(binary.BigEndian, pkts[200:400])))
	c := writeFile(t, dir, "c.pcap", pcapBytes(binary.BigEndian, true, LinkTypeEthernet, pkts[400:]))

	var logs bytes.Buffer
	st, err := Replay(context.Background(), ReplayOptions{
		Files:  []string{a, b, c},
		Engine: testEngine(),
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != 600 || st.Decode.Probes != 300 || st.Decode.Replies != 300 {
		t.Fatalf("stats %+v, want 600 packets: 300 probes, 300 replies", st)
	}
	if len(st.Files) != 3 || st.Files[1].Format != "pcapng+gzip" || st.Files[1].Packets != 200 {
		t.Fatalf("files %+v", st.Files)
	}
	for _, f := range st.Files {
		if f.Err != nil || f.Truncated || f.Bytes == 0 || f.Decode.Packets != f.Packets {
			t.Errorf("file %+v", f)
		}
	}
	if !st.FirstPacket.Equal(start) || !st.LastPacket.Equal(pkts[len(pkts)-1].ts) {
		t.Errorf("packet time %s to %s", st.FirstPacket, st.LastPacket)
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("warnings for good files:\n%s", logs.String())
	}
}

func TestReplayNotACapture(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, scanPackets(t, time.Now(), 1)))
	text := writeFile(t, dir, "notes.txt", []byte("these are not packets\n"))
	empty := writeFile(t, dir, "empty.pcap", nil)
	gzText := writeFile(t, dir, "notes.txt.gz", gzipped(t, []byte("nor are these\n")))
	zstd := writeFile(t, dir, "capture.pcap.zst", []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0})
	short := writeFile(t, dir, "short.pcap", []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0})
	missing := dir + "/missing.pcap"
	sub := filepath.Join(dir, "subdir")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	_, err := Replay(context.Background(), ReplayOptions{Files: []string{good, text, empty, gzText, zstd, short, missing, sub}, Engine: testEngine()})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		text + ": not a pcap or pcapng capture (magic 0x74686573)",
		empty + ": not a pcap or pcapng capture (only 0 bytes)",
		gzText + ": not a pcap or pcapng capture (magic 0x6e6f7220)",
		zstd + ": not a pcap or pcapng capture (magic 0x28b52ffd: zstd-compressed, decompress it first)",
		short + ": pcap header: file header cut short (8 of 24 bytes)",
		missing,
		sub + ": is a directory",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q\ndoes not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, good) {
		t.Errorf("error names the good file: %q", msg)
	}
	if !errors.Is(err, ErrNotCapture) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %q does not wrap ErrNotCapture and fs.ErrNotExist", msg)
	}
}

func TestReplayTruncatedFiles(t *testing.T) {
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	pkts := scanPackets(t, start, 10)
	pcap := pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts)
	ng := pcapngBytes(binary.LittleEndian, pkts)
	rest := pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, scanPackets(t, start.Add(time.Second), 10))

	cases := map[string][]byte{
		"pcap-mid-data":     pcap[:len(pcap)-7],
		"pcap-mid-header":   pcap[:len(pcap)-len(pkts[19].data)-5],
		"pcapng-mid-block":  ng[:len(ng)-9],
		"pcapng-mid-leader": ng[:len(ng)-((len(pkts[19].data)+3)/4*4+32)+4],
		"gzip-cut":          gzipped(t, pcap)[:len(gzipped(t, pcap))-30],
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			bad := writeFile(t, dir, "bad", data)
			good := writeFile(t, dir, "good.pcap", rest)
			var logs bytes.Buffer
			st, err := Replay(context.Background(), ReplayOptions{
				Files:  []string{bad, good},
				Engine: testEngine(),
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			f := st.Files[0]
			if !f.Truncated || f.Err == nil || st.TruncatedFiles != 1 || st.DamagedFiles != 0 {
				t.Fatalf("bad file %+v, truncated files %d", f, st.TruncatedFiles)
			}
			if f.Packets == 0 || f.Packets >= 20 {
				t.Errorf("bad file yielded %d packets, want some but not all 20", f.Packets)
			}
			if st.Files[1].Packets != 20 || st.Files[1].Err != nil {
				t.Errorf("replay did not continue with the next file: %+v", st.Files[1])
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), bad) {
				t.Errorf("no warning naming %s:\n%s", bad, logs.String())
			}
			var sum bytes.Buffer
			st.Summary(&sum)
			if !strings.Contains(sum.String(), "TRUNCATED") {
				t.Errorf("summary does not mark the file:\n%s", sum.String())
			}
		})
	}
}

func TestReplayDamagedFile(t *testing.T) {
	pkts := scanPackets(t, time.Now(), 3)
	data := pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, pkts)
	// The second record claims a capture length beyond any snap length.
	binary.LittleEndian.PutUint32(data[24+16+len(pkts[0].data)+8:], 1<<30)
	path := writeFile(t, t.TempDir(), "damaged.pcap", data)
	st, err := Replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: testEngine()})
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != 1 || st.DamagedFiles != 1 || st.Files[0].Truncated || st.Files[0].Err == nil {
		t.Fatalf("stats %+v", st)
	}
}

func TestReplayProgressAndSummary(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	a := writeFile(t, dir, "one.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, scanPackets(t, start, 3000)))
	b := writeFile(t, dir, "two.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeLinuxSLL2, nil))
	var progress bytes.Buffer
	st, err := Replay(context.Background(), ReplayOptions{Files: []string{a, b}, Engine: testEngine(), Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	out := progress.String()
	if !strings.Contains(out, "\r[1/2] one.pcap 100.0%") || !strings.Contains(out, "[2/2] two.pcap") {
		t.Errorf("progress output %q", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress line not cleared at the end: %q", out[max(0, len(out)-40):])
	}
	var sum bytes.Buffer
	st.Summary(&sum)
	for _, want := range []string{"replayed 2 file(s): 6,000 packets", "one.pcap", "pcap", "ethernet", "3,000 probes, 3,000 replies",
		"packet time: 2024-03-01T10:00:00Z", "sources tracked:", "alerts:"} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
}

func TestReplayCancelled(t *testing.T) {
	path := writeFile(t, t.TempDir(), "scan.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, scanPackets(t, time.Now(), 5000)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st, err := Replay(ctx, ReplayOptions{Files: []string{path, path}, Engine: testEngine()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if st.Packets != 0 {
		t.Errorf("replayed %d packets after cancellation", st.Packets)
	}
}

func TestReplayBadOptions(t *testing.T) {
	path := writeFile(t, t.TempDir(), "scan.pcap", pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, nil))
	if _, err := Replay(context.Background(), ReplayOptions{Engine: testEngine()}); err == nil {
		t.Error("no error without files")
	}
	bad := testEngine()
	bad.Shards = 0
	_, err := Replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: bad})
	if err == nil || !strings.Contains(err.Error(), "shards") {
		t.Errorf("error %v, want the engine's complaint about shards", err)
	}
}
