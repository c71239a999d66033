package sensor

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// FuzzDecode feeds arbitrary bytes under every link type. The decoder must
// never panic, must count each packet exactly once, and whatever it hands on
// must be well formed.
func FuzzDecode(f *testing.F) {
	for _, c := range allCases(f) {
		f.Add(uint16(c.link), c.data)
	}
	f.Fuzz(func(t *testing.T, link uint16, data []byte) {
		var rec recorder
		d := NewDecoder(&rec)
		d.Decode(LinkType(link), testTime, data)
		st := d.Stats()
		checkInvariant(t, st)
		if st.Packets != 1 {
			t.Fatalf("packets %d, want 1", st.Packets)
		}
		for _, p := range rec.probes {
			if !p.Src.IsValid() || !p.Dst.IsValid() || p.Technique == detect.TechUnknown || !p.Time.Equal(testTime) {
				t.Fatalf("malformed probe %+v", p)
			}
		}
		for _, r := range rec.replies {
			if !r.Prober.IsValid() || !r.Target.IsValid() || (r.Outcome != detect.Failed && r.Outcome != detect.Succeeded && r.Outcome != detect.Expired) {
				t.Fatalf("malformed reply %+v", r)
			}
		}
	})
}

// fuzzPackets encodes a sequence of Ethernet frames as FuzzReassembly reads
// it: per frame, a byte of seconds since the previous frame, two bytes of
// length, the frame.
func fuzzPackets(frames ...[]byte) []byte {
	var b []byte
	for i, f := range frames {
		b = append(b, byte(i%3))
		b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
		b = append(b, f...)
	}
	return b
}

// FuzzReassembly feeds sequences of Ethernet frames through one Decoder,
// fragments reassembling across them. Besides FuzzDecode's checks, a
// datagram is decoded at most once.
func FuzzReassembly(f *testing.F) {
	for _, c := range fragCases(f) {
		f.Add(fuzzPackets(c.frags...))
		f.Add(fuzzPackets(append(c.frags, c.frags...)...))
	}
	f.Add(fuzzPackets(synFrags(f, 1)[0], synFrags(f, 2)[1], synFrags(f, 1)[2], synFrags(f, 1)[1]))
	f.Fuzz(func(t *testing.T, data []byte) {
		var rec recorder
		d := NewDecoder(&rec)
		ts := testTime
		var n uint64
		for len(data) >= 3 {
			ts = ts.Add(time.Duration(data[0]) * time.Second)
			l := min(int(binary.BigEndian.Uint16(data[1:3])), len(data)-3)
			d.Decode(LinkTypeEthernet, ts, data[3:3+l])
			data = data[3+l:]
			n++
		}
		st := d.Stats()
		checkInvariant(t, st)
		if st.Packets != n || st.Reassembled > st.Fragments {
			t.Fatalf("stats %+v after %d packets", st, n)
		}
		if calls := st.Probes + st.Replies; calls > st.Packets-st.Fragments+st.Reassembled {
			t.Fatalf("%d handler calls from %d whole packets and %d datagrams", calls, st.Packets-st.Fragments, st.Reassembled)
		}
		for _, p := range rec.probes {
			if !p.Src.IsValid() || !p.Dst.IsValid() || p.Technique == detect.TechUnknown {
				t.Fatalf("malformed probe %+v", p)
			}
		}
		for _, r := range rec.replies {
			if !r.Prober.IsValid() || !r.Target.IsValid() || (r.Outcome != detect.Failed && r.Outcome != detect.Succeeded) {
				t.Fatalf("malformed reply %+v", r)
			}
		}
	})
}
