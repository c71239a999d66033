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
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte("\x00\x01\x50\x02\x01\x00\x01\x50\x02\x03\x40\x08\x10\x00\x07\xff\xff\x01"))
	f.Add([]byte("\x70\x02\x05\x00\x01\x00\x78\x02\x06\x00\x01\x00\x03\x02\x05\x00\x09\x03\x05\x00\x00\x00\x00\x00"))
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
			// A counter taken below zero wraps to a huge number.
			sc := &a.Portsnare.Scan
			for _, n := range []uint32{sc.Contacts, sc.Failed, sc.Succeeded, sc.Unanswered, sc.Retried, sc.Ports, sc.Hosts} {
				if n > 1<<24 {
					t.Fatalf("counter out of range in %+v", sc)
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		// Addresses: IPv4, and IPv6 in two /64s and on the link, so that
		// aggregation, neighbour asks and decoys meet.
		addr := func(x, net byte) netip.Addr {
			switch x % 4 {
			case 0, 1:
				return netip.AddrFrom4([4]byte{10, 0, net, x % 16})
			case 2:
				return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, net, 0, x % 2, 15: x % 16})
			}
			return netip.AddrFrom16([16]byte{0xfe, 0x80, 15: x % 16})
		}
		for len(data) >= 6 {
			op, a, b, port, dt, fl := data[0], data[1], data[2], uint16(data[3]), data[4], data[5]
			data = data[6:]
			now = now.Add(time.Duration(dt) * 100 * time.Millisecond)
			src, dst := addr(a, 0), addr(b, 1)
			switch op % 8 {
			case 0, 1:
				tech := Technique(op/8) % numTechniques
				proto := ProtoTCP
				switch tech {
				case TechUDP:
					proto = ProtoUDP
				case TechICMP:
					proto = ProtoICMP
				case TechIPProto:
					proto = b
				case TechARP:
					proto, port = ProtoARP, ARPPort
				case TechNDP:
					proto, port = ProtoICMPv6, NDPType
				}
				e.Probe(&Probe{Time: now, Src: src, Dst: dst, Proto: proto, Technique: tech, SrcPort: uint16(a), DstPort: port,
					Seq: uint32(b), Flags: fl, Window: uint16(fl) << 8, TTL: fl, FP: Fingerprint(op) | Fingerprint(fl)<<8})
			case 2, 3:
				proto := []uint8{ProtoTCP, ProtoUDP, ProtoICMP, ProtoARP, ProtoICMPv6}[fl%5]
				e.Reply(&Reply{Time: now, Prober: src, Target: dst, Proto: proto, ProberPort: uint16(a), TargetPort: port,
					Outcome: Outcome(op%2 + 1), AnswersProbe: fl&8 != 0})
			case 4:
				e.Touch(&Touch{Time: now, Src: src, Dst: dst, SrcPort: uint16(a), DstPort: port,
					Proto: []uint8{ProtoTCP, ProtoUDP}[fl%2], Handshake: fl&2 != 0, Passive: fl&4 != 0})
			case 5:
				e.Tick(now)
			case 6:
				now = now.Add(-time.Duration(fl) * time.Millisecond) // out of order
			case 7:
				e.Flush(now)
			}
		}
		e.Flush(now)
		if st := e.Stats(); st.Sources > cfg.MaxSources {
			t.Fatalf("%d sources tracked, limit %d", st.Sources, cfg.MaxSources)
		}
	})
}
