package fleet

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/render"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// collect is an exporter output that keeps the documents.
type collect struct{ docs []*render.Document }

func (c *collect) publish(d *render.Document) { c.docs = append(c.docs, d) }

func (c *collect) batches(t *testing.T) []*Batch {
	t.Helper()
	var bs []*Batch
	for _, d := range c.docs {
		b, err := DecodeBatch(d.Body)
		if err != nil {
			t.Fatalf("%s: %v", d.Body, err)
		}
		bs = append(bs, b)
	}
	return bs
}

func testConfig() Config {
	c := DefaultConfig()
	c.Enabled = true
	return c
}

func refused(src, dst string, port uint16, at time.Time) *detect.Evidence {
	return &detect.Evidence{Time: at, Source: netip.MustParseAddr(src), Target: netip.MustParseAddr(dst),
		Proto: detect.ProtoTCP, Port: port, Technique: detect.TechSYN, Kind: detect.EvidenceRefused, Tool: "nmap"}
}

func TestPartitionIsStableAndGroupsIPv6Prefixes(t *testing.T) {
	// Fixed values: every sensor, on every version, must route a source to
	// the same partition, or its evidence splits between correlators.
	for _, c := range []struct {
		addr string
		n    int
		want int
	}{{"198.18.0.10", 16, Partition(netip.MustParseAddr("::ffff:198.18.0.10"), 16)}, {"198.18.0.10", 1, 0}} {
		if got := Partition(netip.MustParseAddr(c.addr), c.n); got != c.want {
			t.Errorf("Partition(%s, %d) = %d, want %d", c.addr, c.n, got, c.want)
		}
	}
	if got := Partition(netip.MustParseAddr("198.18.0.10"), 16); got != 11 {
		t.Errorf("Partition(198.18.0.10, 16) = %d, want 11 (the FNV-1a of its 4 bytes mod 16)", got)
	}
	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::77")
	if Partition(a, 64) != Partition(b, 64) {
		t.Error("two addresses of one /64 in different partitions")
	}
	seen := map[int]int{}
	for i := range 4096 {
		seen[Partition(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 1}), 16)]++
	}
	for p := range 16 {
		if seen[p] < 4096/16/2 {
			t.Errorf("partition %d holds %d of 4096 sources: badly spread %v", p, seen[p], seen)
		}
	}
}

func TestBatchRoundTripAndStableID(t *testing.T) {
	out := &collect{}
	x := NewExporter(testConfig(), "edge-1", out.publish, nil)
	x.Evidence(refused("198.18.0.10", "198.18.1.2", 22, t0))
	x.Evidence(refused("198.18.0.10", "198.18.1.2", 23, t0.Add(time.Millisecond)))
	x.Flush()
	if len(out.docs) != 1 {
		t.Fatalf("%d documents, want 1", len(out.docs))
	}
	d := out.docs[0]
	p := Partition(netip.MustParseAddr("198.18.0.10"), 16)
	if d.Subject != Subject("edge-1", p) || !strings.HasPrefix(d.ID, "ev-") {
		t.Errorf("subject %q id %q", d.Subject, d.ID)
	}
	b := out.batches(t)[0]
	if b.Sensor != "edge-1" || b.Partition != p || len(b.Records) != 2 || !b.First.Equal(t0) ||
		b.Records[1].Port != 23 || b.Records[0].Kind != "refused" || b.Records[0].Tech != "syn" || b.Records[0].Tool != "nmap" {
		t.Errorf("batch %+v", b)
	}
	// The same evidence again (a replay run twice) has the same id: the
	// stream's duplicate window stores it once.
	out2 := &collect{}
	y := NewExporter(testConfig(), "edge-1", out2.publish, nil)
	y.Evidence(refused("198.18.0.10", "198.18.1.2", 22, t0))
	y.Evidence(refused("198.18.0.10", "198.18.1.2", 23, t0.Add(time.Millisecond)))
	y.Flush()
	if out2.docs[0].ID != d.ID {
		t.Errorf("same batch, ids %s and %s", d.ID, out2.docs[0].ID)
	}
}

func TestBatchesSplitByPartitionAndInterval(t *testing.T) {
	out := &collect{}
	cfg := testConfig()
	x := NewExporter(cfg, "s", out.publish, nil)
	srcs := []string{"198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.0.5"}
	parts := map[int]bool{}
	for i, s := range srcs {
		x.Evidence(refused(s, "198.18.1.1", uint16(i), t0))
		parts[Partition(netip.MustParseAddr(s), cfg.Partitions)] = true
	}
	if len(out.docs) != 0 {
		t.Fatal("a batch closed before its interval")
	}
	x.Evidence(refused(srcs[0], "198.18.1.1", 99, t0.Add(cfg.BatchInterval))) // closes the first
	if len(out.docs) != len(parts) {
		t.Fatalf("%d documents for %d partitions", len(out.docs), len(parts))
	}
	for _, b := range out.batches(t) {
		for _, r := range b.Records {
			if Partition(r.Src, cfg.Partitions) != b.Partition {
				t.Errorf("record of %s in partition %d", r.Src, b.Partition)
			}
		}
	}
	if st := x.Stats(); st.Records != 5 || st.Batches != uint64(len(parts)) || st.Shed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A spoofed flood cannot make a sensor publish more than max_rate records
// per second of packet time; what is shed is counted.
func TestRateLimitShedsFloodAndCounts(t *testing.T) {
	out := &collect{}
	cfg := testConfig()
	cfg.MaxRate = 100
	x := NewExporter(cfg, "s", out.publish, nil)
	const flood, secs = 20000, 4
	for i := range flood {
		at := t0.Add(time.Duration(i) * secs * time.Second / flood)
		src := netip.AddrFrom4([4]byte{100, byte(i >> 16), byte(i >> 8), byte(i)})
		x.Evidence(&detect.Evidence{Time: at, Source: src, Target: netip.MustParseAddr("198.18.1.1"),
			Proto: detect.ProtoTCP, Port: 80, Technique: detect.TechSYN, Kind: detect.EvidenceRefused})
	}
	x.Flush()
	st := x.Stats()
	if max := uint64(cfg.MaxRate * (secs + 1)); st.Records > max {
		t.Errorf("%d records published in %d s at max_rate %d: over %d", st.Records, secs, cfg.MaxRate, max)
	}
	if st.Records+st.Shed != flood || st.Shed == 0 {
		t.Errorf("published %d + shed %d != %d", st.Records, st.Shed, flood)
	}
	var n int
	for _, b := range out.batches(t) {
		n += len(b.Records)
	}
	if uint64(n) != st.Records {
		t.Errorf("%d records in batches, %d counted", n, st.Records)
	}
}

func TestBatchBounded(t *testing.T) {
	out := &collect{}
	cfg := testConfig()
	cfg.MaxRate = 1_000_000
	cfg.Partitions = 1
	x := NewExporter(cfg, "s", out.publish, nil)
	for i := range 3 * MaxBatchRecords {
		x.Evidence(refused("198.18.0.1", "198.18.1.1", uint16(i), t0))
	}
	x.Flush()
	for _, b := range out.batches(t) {
		if len(b.Records) > MaxBatchRecords {
			t.Errorf("batch of %d records", len(b.Records))
		}
	}
	if len(out.docs) != 3 {
		t.Errorf("%d batches, want 3", len(out.docs))
	}
}

// Taking a record allocates nothing: records wait in a fixed buffer and
// are encoded when the batch closes; shed ones cost a counter.
func TestEvidenceDoesNotAllocate(t *testing.T) {
	cfg := testConfig()
	cfg.MaxRate = 10
	x := NewExporter(cfg, "s", func(*render.Document) {}, nil)
	ev := refused("198.18.0.1", "198.18.1.1", 1, t0)
	allocs := testing.AllocsPerRun(1000, func() { x.Evidence(ev) }) // mostly shed
	if allocs != 0 {
		t.Errorf("%v allocations per shed record", allocs)
	}
	cfg.MaxRate = 1_000_000
	y := NewExporter(cfg, "s", func(*render.Document) {}, nil)
	allocs = testing.AllocsPerRun(500, func() { y.Evidence(ev) }) // kept, within one batch
	if allocs != 0 {
		t.Errorf("%v allocations per kept record", allocs)
	}
}

func TestDecodeBatchRejects(t *testing.T) {
	for _, body := range []string{
		`{`, `{"v":2,"sensor":"s","records":[]}`, `{"v":1,"records":[]}`,
		`{"v":1,"sensor":"s","records":[{"src":"1.2.3.4","dst":"1.2.3.5","tech":"bogus","kind":"refused"}]}`,
		`{"v":1,"sensor":"s","records":[{"src":"1.2.3.4","dst":"1.2.3.5","tech":"syn","kind":"maybe"}]}`,
		`{"v":1,"sensor":"s","records":[{"dst":"1.2.3.5","tech":"syn","kind":"refused"}]}`,
	} {
		if _, err := DecodeBatch([]byte(body)); err == nil {
			t.Errorf("accepted %s", body)
		}
	}
}

func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"v":1,"sensor":"s","partition":0,"records":[{"t":1,"src":"1.2.3.4","dst":"1.2.3.5","proto":6,"port":22,"tech":"syn","kind":"refused"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := DecodeBatch(data)
		if err != nil {
			return
		}
		if len(b.Records) > MaxBatchRecords {
			t.Fatalf("%d records accepted", len(b.Records))
		}
	})
}

func TestParsePartitions(t *testing.T) {
	got, err := ParsePartitions("0-3, 7", 8)
	if err != nil || len(got) != 5 || got[4] != 7 {
		t.Errorf("got %v %v", got, err)
	}
	if all, _ := ParsePartitions("", 4); len(all) != 4 {
		t.Errorf("empty: %v", all)
	}
	for _, bad := range []string{"8", "3-1", "x", "-1", "0-9"} {
		if _, err := ParsePartitions(bad, 8); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
