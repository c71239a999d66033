package spool

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func open(t testing.TB, dir string, maxBytes int64) *Spool {
	t.Helper()
	s, err := Open(Options{Dir: dir, MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func appendAll(t testing.TB, s *Spool, in ...Input) AppendResult {
	t.Helper()
	res, err := s.Append(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rec(format string, args ...any) Input {
	return Input{Payload: fmt.Appendf(nil, format, args...)}
}

// payloads takes everything pending, in order, without marking it done.
func payloads(t testing.TB, s *Spool) []string {
	t.Helper()
	rs, err := s.Take(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Done(0); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Payload)
	}
	return out
}

func TestAppendTakeDoneInOrder(t *testing.T) {
	s := open(t, t.TempDir(), 1<<20)
	appendAll(t, s, rec("a"), rec("b"), rec("c"))
	rs, err := s.Take(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || string(rs[0].Payload) != "a" || string(rs[1].Payload) != "b" || rs[0].Seq >= rs[1].Seq {
		t.Fatalf("take: %+v", rs)
	}
	// Not done: taking again starts over.
	again, _ := s.Take(2)
	if string(again[0].Payload) != "a" {
		t.Fatalf("retake: %q", again[0].Payload)
	}
	if err := s.Done(rs[1].Seq); err != nil {
		t.Fatal(err)
	}
	if got := payloads(t, s); !slices.Equal(got, []string{"c"}) {
		t.Errorf("after done: %q", got)
	}
	if st := s.Stats(); st.Records != 1 {
		t.Errorf("stats: %+v", st)
	}
}

// What was not delivered survives a restart; what was delivered does not
// come back; sequence numbers keep rising.
func TestReopenKeepsPending(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1<<20)
	appendAll(t, s, rec("a"), rec("b"), rec("c"))
	rs, _ := s.Take(1)
	s.Done(rs[0].Seq)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, 1<<20)
	appendAll(t, s, rec("d"))
	rs, _ = s.Take(10)
	var got []string
	for i, r := range rs {
		got = append(got, string(r.Payload))
		if i > 0 && r.Seq <= rs[i-1].Seq {
			t.Errorf("sequence not rising: %d after %d", r.Seq, rs[i-1].Seq)
		}
	}
	if !slices.Equal(got, []string{"b", "c", "d"}) {
		t.Errorf("after reopen: %q", got)
	}
	if st := s.Stats(); st.Corrupt != 0 {
		t.Errorf("corrupt %d on a clean reopen", st.Corrupt)
	}
}

// Segments whose records are all delivered are deleted, so a spool that
// keeps up holds about one segment on disk.
func TestDoneDeletesSegments(t *testing.T) {
	s := open(t, t.TempDir(), MinMaxBytes) // 4 KiB segments
	payload := strings.Repeat("x", 500)
	for i := range 40 {
		appendAll(t, s, rec("%d%s", i, payload))
	}
	if st := s.Stats(); st.Segments < 4 {
		t.Fatalf("want several segments, got %+v", st)
	}
	rs, _ := s.Take(1000)
	s.Done(rs[len(rs)-1].Seq)
	st := s.Stats()
	if st.Records != 0 || st.Segments != 1 || st.DiskBytes > 4<<10+600 {
		t.Errorf("after delivering everything: %+v", st)
	}
	files, _ := filepath.Glob(filepath.Join(s.Dir(), "*"+segSuffix))
	if len(files) != 1 {
		t.Errorf("segment files left: %v", files)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, 1<<20)
	if _, err := Open(Options{Dir: dir, MaxBytes: 1 << 20}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second Open: %v", err)
	}
}

func TestTooSmallOrTooLarge(t *testing.T) {
	if _, err := Open(Options{Dir: t.TempDir(), MaxBytes: 1000}); err == nil {
		t.Error("MaxBytes 1000 accepted")
	}
	s := open(t, t.TempDir(), MinMaxBytes)
	res := appendAll(t, s, Input{Payload: make([]byte, MinMaxBytes)})
	if res.Refused != 1 || res.Stored != 0 {
		t.Errorf("oversized record: %+v", res)
	}
}
