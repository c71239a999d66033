package fleet

import (
	"bytes"
	"encoding/json"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

// lineRate is 1 GbE's packet rate in minimum-size frames (64 bytes, with
// preamble and gap 84 on the wire): the fastest a flood comes on one link.
const lineRate = 1_488_095

// floodEvidence fills ev with the evidence of the i-th packet of a
// spoofed flood, at packet time at: each packet from an address never
// used before (an odd multiplier permutes 100.64.0.0/10, as
// sensor/internal/gen's SYN flood does), an Xmas probe the target leaves
// unanswered. That is the worst case for the exporter: the engine weighs
// such a probe as evidence on its own, while an ordinary SYN flood's
// sources, seen once, wait in its lone table and export nothing.
func floodEvidence(ev *detect.Evidence, i int, at time.Time) {
	a := uint32(i) * 2654435761 % (1 << 22)
	*ev = detect.Evidence{Time: at, Source: netip.AddrFrom4([4]byte{100, byte(64 | a>>16), byte(a >> 8), byte(a)}),
		Target: netip.AddrFrom4([4]byte{198, 18, 1, byte(1 + i%16)}), Proto: detect.ProtoTCP, Port: 80,
		Technique: detect.TechXmas, Kind: detect.EvidenceOdd}
}

// floodCounter is an exporter's output that counts what it is handed.
type floodCounter struct {
	docs, bytes int
	maxBatch    int // records in the largest batch
}

func (f *floodCounter) publish(d *render.Document) {
	f.docs++
	f.bytes += len(d.Body)
	if n := bytes.Count(d.Body, []byte(`"src":`)); n > f.maxBatch {
		f.maxBatch = n
	}
}

// maxRecordBytes is the longest a record can be in a batch: the widest
// values of every field (negative time, IPv6 addresses, the longest
// technique, kind and tool names, an episode id), and the comma that
// separates it from the next.
func maxRecordBytes(t *testing.T) int {
	t.Helper()
	longest := func(name func(i int) string) string {
		var l string
		for i := range 256 {
			if n := name(i); len(n) > len(l) {
				l = n
			}
		}
		return l
	}
	wide := netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
	r := Record{T: math.MinInt64, Src: wide, Dst: wide, Proto: 255, Port: 65535,
		Tech:    longest(func(i int) string { return detect.Technique(i).String() }),
		Kind:    longest(func(i int) string { return detect.EvidenceKind(i).String() }),
		Tool:    "masscan", // the longest name the engine gives a tool
		Episode: strings.Repeat("f", 32)}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return len(b) + 1
}

// maxBatchOverhead is the most a batch adds to its records: the envelope
// with the widest partition number and times.
func maxBatchOverhead(t *testing.T, sensor string) int {
	t.Helper()
	wide := time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	b, err := json.Marshal(&Batch{V: BatchVersion, Sensor: sensor, Partition: MaxPartitions - 1, First: wide, Last: wide, Records: []Record{}})
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// A spoofed flood at line rate makes a sensor publish no more evidence
// than fleet.max_rate allows: over N seconds of packet time, at most
// max_rate × (N+1) records (the bucket starts with a second's worth), each
// at most the widest record, in at most one batch per partition for each
// batch_interval of packet time and each full buffer. The bound does not
// grow with the flood: a flood ten times faster publishes the same.
func TestEvidenceBytesBoundedUnderFlood(t *testing.T) {
	const seconds = 3
	cfg := testConfig()
	recMax, batchMax := maxRecordBytes(t), maxBatchOverhead(t, "edge-1")
	for _, rate := range []int{lineRate / 10, lineRate} {
		if testing.Short() && rate == lineRate {
			continue
		}
		out := &floodCounter{}
		x := NewExporter(cfg, "edge-1", out.publish, nil)
		var ev detect.Evidence
		n := rate * seconds
		for i := range n {
			floodEvidence(&ev, i, t0.Add(time.Duration(i)*time.Second/time.Duration(rate)))
			x.Evidence(&ev)
		}
		x.Flush()
		st := x.Stats()
		records := cfg.MaxRate * (seconds + 1)
		flushes := int(seconds*time.Second/cfg.BatchInterval) + records/MaxBatchRecords + 2
		bound := records*recMax + cfg.Partitions*flushes*batchMax
		t.Logf("flood of %d packets/s for %d s: %d bytes in %d batches (%d records, %d shed); bound %d bytes",
			rate, seconds, out.bytes, out.docs, st.Records, st.Shed, bound)
		if out.bytes > bound {
			t.Errorf("flood of %d packets/s: %d bytes of evidence over %d s, over the bound %d (max_rate %d)",
				rate, out.bytes, seconds, bound, cfg.MaxRate)
		}
		if st.Records+st.Shed != uint64(n) || st.Shed == 0 {
			t.Errorf("flood of %d packets/s: %d published + %d shed, want %d in all, some shed", rate, st.Records, st.Shed, n)
		}
		if out.maxBatch > MaxBatchRecords {
			t.Errorf("a batch of %d records", out.maxBatch)
		}
	}
}
