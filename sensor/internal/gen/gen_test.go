package gen

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"github.com/google/gopacket/pcapgo"
)

func TestDeterministic(t *testing.T) {
	write := func(seed uint64) ([32]byte, Summary) {
		var b bytes.Buffer
		sum, err := Write(&b, Config{Seed: seed, Packets: 20_000})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Bytes != int64(b.Len()) {
			t.Errorf("summary says %d bytes, wrote %d", sum.Bytes, b.Len())
		}
		return sha256.Sum256(b.Bytes()), sum
	}
	h1, s1 := write(1)
	h2, _ := write(1)
	h3, _ := write(2)
	if h1 != h2 {
		t.Error("same seed, different captures")
	}
	if h1 == h3 {
		t.Error("different seeds, same capture")
	}
	if s1.Packets != 20_000 || len(s1.Scans) != 4 {
		t.Errorf("summary %+v", s1)
	}
}

func TestReadBack(t *testing.T) {
	var b bytes.Buffer
	sum, err := Write(&b, Config{Seed: 7, Packets: 30_000, Rate: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var last int64
	for {
		_, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ns := ci.Timestamp.UnixNano(); ns < last {
			t.Fatalf("packet %d goes back in time", n)
		} else {
			last = ns
		}
		n++
	}
	if n != sum.Packets {
		t.Fatalf("read %d packets, summary says %d", n, sum.Packets)
	}
	for i, s := range sum.Scans {
		if !s.End.After(s.Start) || (i > 0 && !s.Start.After(sum.Scans[i-1].End)) {
			t.Errorf("scan %s from %s to %s overlaps or is empty", s.Kind, s.Start, s.End)
		}
	}
}

func TestTooFewPackets(t *testing.T) {
	if _, err := Write(io.Discard, Config{Packets: 100}); err == nil {
		t.Fatal("no error for a capture too small for its scans")
	}
}
