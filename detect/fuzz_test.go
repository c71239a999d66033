package detect

import (
	"net/netip"
	"testing"
	"time"
)

// FuzzEngine drives the engine with arbitrary probe and reply sequences over
// a small address space (so that states interact) and checks it never
// panics and keeps its bounds.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x00\x01\x50\x02\x01\x01\x50\x02\x03\x40\x10\x00\x07\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := DefaultConfig()
		cfg.MaxSources, cfg.Shards, cfg.ContactTableSize = 64, 2, 1024
		cfg.DecoyMinProbes, cfg.DistributedSources, cfg.DistributedPorts = 2, 2, 3
		var alerts int
		e, err := New(cfg, func(a *Alert) {
			alerts++
			if a.Event.ID == "" || a.Event.Action == "" || a.Source.IP == "" {
				t.Fatalf("malformed alert %+v", a)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		for len(data) >= 5 {
			op, a, b, port, dt := data[0], data[1], data[2], uint16(data[3]), data[4]
			data = data[5:]
			now = now.Add(time.Duration(dt) * time.Second)
			src := netip.AddrFrom4([4]byte{10, 0, 0, a % 16})
			dst := netip.AddrFrom4([4]byte{10, 0, 1, b % 16})
			switch op % 6 {
			case 0, 1:
				tech := Technique(op/6) % numTechniques
				proto := ProtoTCP
				switch tech {
				case TechUDP:
					proto = ProtoUDP
				case TechICMP:
					proto = ProtoICMP
				case TechIPProto:
					proto = b
				}
				e.Probe(&Probe{Time: now, Src: src, Dst: dst, Proto: proto, Technique: tech, SrcPort: uint16(a), DstPort: port, Seq: uint32(b), FP: Fingerprint(op)})
			case 2, 3:
				e.Reply(&Reply{Time: now, Prober: src, Target: dst, Proto: ProtoTCP, ProberPort: uint16(a), TargetPort: port, Outcome: Outcome(op%2 + 1)})
			case 4:
				e.Tick(now)
			case 5:
				e.Flush(now)
			}
		}
		e.Flush(now)
		if st := e.Stats(); st.Sources > cfg.MaxSources {
			t.Fatalf("%d sources tracked, limit %d", st.Sources, cfg.MaxSources)
		}
	})
}
