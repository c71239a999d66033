package detect

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"
)

// A scan of random ports on random hosts of a range (masscan -p1-65535
// over a /24 or a /16) probes no host and no port twice for a long while:
// its failures map no host and no port, but they all lie in one block. It
// is a block scan within a handful of probes.
func TestRandomPortsOfARangeAreABlockScan(t *testing.T) {
	for _, r := range []struct {
		name  string
		hosts int // addresses from 10.9.0.0 on
	}{{"/24", 256}, {"/16", 65536}} {
		t.Run(r.name, func(t *testing.T) {
			b := newBed(t, nil)
			rnd := rand.New(rand.NewPCG(1, 2))
			sc := ip("198.18.0.9")
			for i := range 12 {
				dst := nth("10.9.0.0", rnd.IntN(r.hosts))
				port := uint16(1 + rnd.IntN(65535))
				b.syn(sc, dst, 61000, port, uint32(i))
				b.reply(sc, dst, ProtoTCP, 61000, port, Failed)
				b.advance(time.Millisecond)
			}
			b.flush()
			starts := b.only(ActionBlockscan)
			if first := starts[0]; first.Portsnare.Scan.Contacts > 8 {
				t.Errorf("first alerted after %d contacts, want a handful", first.Portsnare.Scan.Contacts)
			}
		})
	}
}

// A peer-to-peer client's stale peers fail on random ports of hosts all
// over the Internet, while its live peers answer: its failures lie in no
// block, and it stays quiet.
func TestStalePeersAllOverAreNoBlock(t *testing.T) {
	b := newBed(t, nil)
	rnd := rand.New(rand.NewPCG(3, 4))
	c := ip("192.168.1.20")
	for i := range 60 {
		dst := netip.AddrFrom4([4]byte{byte(1 + rnd.IntN(223)), byte(rnd.IntN(256)), byte(rnd.IntN(256)), byte(1 + rnd.IntN(254))})
		port := uint16(1024 + rnd.IntN(64000))
		sport := uint16(40000 + i)
		b.connect(c, dst, sport, port, uint32(i))
		out := Failed
		if i%3 == 0 {
			out = Succeeded
		}
		b.reply(c, dst, ProtoTCP, sport, port, out)
		b.advance(200 * time.Millisecond)
	}
	b.advance(10 * time.Second)
	b.tick()
	b.flush()
	b.expectNone()
}
