package spool

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// seqOf reads back the number a test payload starts with.
func seqOf(p string) int {
	n, _ := strconv.Atoi(strings.TrimRight(p[1:], "x"))
	return n
}

// A full spool drops its oldest ordinary records, keeps every Keep record,
// counts what it dropped, and never grows past its bound.
func TestLimitKeepsNewestAndKeepRecords(t *testing.T) {
	const max = MinMaxBytes
	s := open(t, t.TempDir(), max)
	pad := strings.Repeat("x", 200)
	total, keeps := 2000, 0
	evicted := 0
	for i := range total {
		in := Input{Payload: fmt.Appendf(nil, "o%d%s", i, pad)}
		if i%50 == 0 {
			in = Input{Payload: fmt.Appendf(nil, "k%d%s", i, pad), Keep: true}
			keeps++
		}
		res := appendAll(t, s, in)
		evicted += res.Evicted
		if res.Refused != 0 {
			t.Fatalf("record %d refused while ordinary records could be evicted", i)
		}
		if st := s.Stats(); st.DiskBytes > max {
			t.Fatalf("record %d: %d bytes on disk, bound %d", i, st.DiskBytes, max)
		}
	}
	got := payloads(t, s)
	st := s.Stats()
	if st.Evicted != uint64(evicted) || evicted+len(got) != total {
		t.Errorf("evicted %d (stats %d) + kept %d != %d appended", evicted, st.Evicted, len(got), total)
	}
	var gotKeeps int
	lastOrdinary := -1
	for i, p := range got {
		n := seqOf(p)
		if i > 0 && n <= seqOf(got[i-1]) {
			t.Fatalf("out of order: %s after %s", p[:6], got[i-1][:6])
		}
		if p[0] == 'k' {
			gotKeeps++
		} else {
			lastOrdinary = n
		}
	}
	if gotKeeps != keeps {
		t.Errorf("kept %d of %d Keep records", gotKeeps, keeps)
	}
	if lastOrdinary != total-1 {
		t.Errorf("newest ordinary record kept is %d, want %d", lastOrdinary, total-1)
	}
	// Survivors are the newest ordinary ones: a contiguous run up to the end.
	var ordinary []int
	for _, p := range got {
		if p[0] == 'o' {
			ordinary = append(ordinary, seqOf(p))
		}
	}
	for i := 1; i < len(ordinary); i++ {
		if ordinary[i] != ordinary[i-1]+1 && ordinary[i] != ordinary[i-1]+2 { // +2 across a Keep record
			t.Errorf("ordinary records kept are not the newest run: %d then %d", ordinary[i-1], ordinary[i])
			break
		}
	}
}

// When nothing but Keep records is left, a new record is refused, counted,
// and the oldest Keep records stay.
func TestLimitRefusesWhenOnlyKeepRecordsLeft(t *testing.T) {
	const max = MinMaxBytes
	s := open(t, t.TempDir(), max)
	pad := strings.Repeat("x", 200)
	refused := 0
	for i := range 1000 {
		res := appendAll(t, s, Input{Payload: fmt.Appendf(nil, "k%d%s", i, pad), Keep: true})
		refused += res.Refused
		if res.Evicted != 0 {
			t.Fatalf("a Keep record was evicted: %+v", res)
		}
	}
	got := payloads(t, s)
	st := s.Stats()
	if refused == 0 || uint64(refused) != st.Refused || refused+len(got) != 1000 {
		t.Errorf("refused %d (stats %d), kept %d", refused, st.Refused, len(got))
	}
	if seqOf(got[0]) != 0 || seqOf(got[len(got)-1]) != len(got)-1 {
		t.Errorf("want the oldest Keep records, got %s..%s", got[0][:5], got[len(got)-1][:5])
	}
	res := appendAll(t, s, Input{Payload: []byte("o-new")})
	if res.Refused != 1 {
		t.Errorf("ordinary record into a spool of Keep records: %+v", res)
	}
	if st.DiskBytes > max {
		t.Errorf("%d bytes on disk, bound %d", st.DiskBytes, max)
	}
}

// Records being delivered are not evicted under the reader's feet.
func TestLimitSparesRecordsInFlight(t *testing.T) {
	const max = MinMaxBytes
	s := open(t, t.TempDir(), max)
	pad := strings.Repeat("x", 200)
	appendAll(t, s, Input{Payload: fmt.Appendf(nil, "o0%s", pad)})
	taken, _ := s.Take(1)
	for i := 1; i < 1000; i++ {
		appendAll(t, s, Input{Payload: fmt.Appendf(nil, "o%d%s", i, pad)})
	}
	again, _ := s.Take(1)
	if again[0].Seq != taken[0].Seq {
		t.Errorf("the record in flight was evicted")
	}
	s.Done(taken[0].Seq)
}

// Eviction's rewrite survives a reopen: the compacted segments hold what
// the index said.
func TestLimitThenReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, MinMaxBytes)
	pad := strings.Repeat("x", 300)
	for i := range 500 {
		appendAll(t, s, Input{Payload: fmt.Appendf(nil, "o%d%s", i, pad), Keep: i%7 == 0})
	}
	before := payloads(t, s)
	s.Close()
	s = open(t, dir, MinMaxBytes)
	after := payloads(t, s)
	if strings.Join(before, "|") != strings.Join(after, "|") {
		t.Errorf("reopen changed the records: %d before, %d after", len(before), len(after))
	}
	if st := s.Stats(); st.Corrupt != 0 {
		t.Errorf("corrupt after compaction: %+v", st)
	}
}
