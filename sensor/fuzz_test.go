package sensor

import (
	"testing"

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
			if !r.Prober.IsValid() || !r.Target.IsValid() || (r.Outcome != detect.Failed && r.Outcome != detect.Succeeded) {
				t.Fatalf("malformed reply %+v", r)
			}
		}
	})
}
