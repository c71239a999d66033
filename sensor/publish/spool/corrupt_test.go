package spool

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// segmentFiles lists the spool's segment files, oldest first.
func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"+segSuffix))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

func lastSegment(t *testing.T, dir string) string {
	files := segmentFiles(t, dir)
	for i := len(files) - 1; i >= 0; i-- {
		if fi, _ := os.Stat(files[i]); fi.Size() > 0 {
			return files[i]
		}
	}
	t.Fatal("no segment with records")
	return ""
}

// A write torn by a crash (the file cut inside the last record) loses that
// record only, counted, and the spool carries on.
func TestTruncatedSegment(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(Options{Dir: dir, MaxBytes: 1 << 20})
	s.Append([]Input{{Payload: []byte("alpha")}, {Payload: []byte("bravo")}, {Payload: []byte("charlie")}})
	s.Close()
	seg := lastSegment(t, dir)
	fi, _ := os.Stat(seg)
	if err := os.Truncate(seg, fi.Size()-3); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, 1<<20)
	if got := payloads(t, s); !slices.Equal(got, []string{"alpha", "bravo"}) {
		t.Errorf("got %q", got)
	}
	st := s.Stats()
	if st.Corrupt != 1 || st.CorruptBytes == 0 {
		t.Errorf("stats: %+v", st)
	}
	appendAll(t, s, rec("delta"))
	if got := payloads(t, s); !slices.Equal(got, []string{"alpha", "bravo", "delta"}) {
		t.Errorf("after a new append: %q", got)
	}
}

// A damaged record in the middle (a flipped bit, garbage) is skipped; the
// records after it are found again.
func TestDamagedRecordInTheMiddle(t *testing.T) {
	for name, damage := range map[string]func(b []byte, off int) []byte{
		"payload bit": func(b []byte, off int) []byte { b[off+headerSize] ^= 0x10; return b },
		"length":      func(b []byte, off int) []byte { b[off+4] = 0xff; b[off+7] = 0x7f; return b },
		"garbage inserted": func(b []byte, off int) []byte {
			return slices.Concat(b[:off], []byte("PSPS\x00garbage"), b[off:])
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := Open(Options{Dir: dir, MaxBytes: 1 << 20})
			s.Append([]Input{{Payload: []byte("alpha")}, {Payload: []byte("bravo")}, {Payload: []byte("charlie")}})
			s.Close()
			seg := lastSegment(t, dir)
			b, _ := os.ReadFile(seg)
			second := headerSize + len("alpha")
			os.WriteFile(seg, damage(b, second), 0o600)
			s = open(t, dir, 1<<20)
			got := payloads(t, s)
			want := []string{"alpha", "charlie"}
			if name == "garbage inserted" {
				want = []string{"alpha", "bravo", "charlie"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if st := s.Stats(); st.Corrupt != 1 {
				t.Errorf("corrupt %d, want 1", st.Corrupt)
			}
		})
	}
}

// A file of garbage, an empty file and a damaged acked file: counted, and
// nothing valid is lost.
func TestGarbageFiles(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(Options{Dir: dir, MaxBytes: 1 << 20})
	s.Append([]Input{{Payload: []byte("alpha")}})
	s.Close()
	os.WriteFile(filepath.Join(dir, segmentName(0xfff0)), []byte(strings.Repeat("garbage!", 100)), 0o600)
	os.WriteFile(filepath.Join(dir, segmentName(0xfff1)), nil, 0o600)
	os.WriteFile(filepath.Join(dir, ackedName), []byte("not a sequence"), 0o600)
	os.WriteFile(filepath.Join(dir, segmentName(0xfff2)+".tmp"), []byte("half a compaction"), 0o600)
	s = open(t, dir, 1<<20)
	if got := payloads(t, s); !slices.Equal(got, []string{"alpha"}) {
		t.Errorf("got %q", got)
	}
	if st := s.Stats(); st.Corrupt != 2 { // the garbage segment and the acked file
		t.Errorf("corrupt %d, want 2", st.Corrupt)
	}
	if _, err := os.Stat(filepath.Join(dir, segmentName(0xfff2)+".tmp")); !os.IsNotExist(err) {
		t.Error("a leftover .tmp file was not removed")
	}
}

// A record whose bytes change on disk after loading is not handed on.
func TestDamageAfterLoad(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1<<20)
	appendAll(t, s, rec("alpha"), rec("bravo"))
	seg := lastSegment(t, dir)
	f, _ := os.OpenFile(seg, os.O_RDWR, 0)
	f.WriteAt([]byte("X"), headerSize+1)
	f.Close()
	if got := payloads(t, s); !slices.Equal(got, []string{"bravo"}) {
		t.Errorf("got %q", got)
	}
	if st := s.Stats(); st.Corrupt != 1 {
		t.Errorf("corrupt %d", st.Corrupt)
	}
}

// FuzzLoad: whatever bytes a segment file holds, Open neither fails nor
// panics, and every record it returns is one a valid encoding produced.
func FuzzLoad(f *testing.F) {
	f.Add(appendRecord(appendRecord(nil, 1, false, []byte("alpha")), 2, true, []byte("bravo")))
	f.Add([]byte("PS\x00\x01\xff\xff\xff\xff"))
	f.Add(appendRecord(nil, 1, false, []byte("alpha"))[:10])
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, segmentName(1)), b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(Options{Dir: dir, MaxBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rs, err := s.Take(1 << 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			enc := appendRecord(nil, r.Seq, r.Keep, r.Payload)
			if !strings.Contains(string(b), string(enc)) {
				t.Fatalf("record %d is not in the input", r.Seq)
			}
		}
	})
}
