package detect

import (
	"testing"
	"time"
)

func TestDbgDecoyLead(t *testing.T) {
	for _, cut := range []int{0, 10, 25, 40, 60} {
		for _, realFirst := range []bool{false, true} {
			b := newBed(t, nil)
			srcs := []string{"24.6.173.221", "24.6.173.222", "88.118.48.253"}
			if realFirst {
				srcs = []string{"88.118.48.253", "24.6.173.221", "24.6.173.222"}
			}
			target := ip("74.207.244.221")
			for i := 0; i < 60; i++ {
				port := uint16((i * 7919) % 1024)
				for _, s := range srcs {
					b.syn(ip(s), target, 39314, port, 1403638652)
					b.advance(time.Millisecond)
				}
				if i >= cut {
					b.reply(ip("88.118.48.253"), target, ProtoTCP, 39314, port, Failed)
				}
			}
			for i := 0; i < cut; i++ {
				port := uint16((i * 7919) % 1024)
				b.reply(ip("88.118.48.253"), target, ProtoTCP, 39314, port, Failed)
			}
			b.advance(2 * time.Second)
			b.flush()
			ends := map[string]int{}
			for _, a := range b.alerts {
				if a.Portsnare.Phase == PhaseEnd {
					ends[a.Source.IP]++
				}
			}
			t.Logf("cut=%d realFirst=%v ends=%v", cut, realFirst, ends)
			for _, a := range b.alerts {
				if len(ends) > 1 || ends[a.Source.IP] > 1 {
					t.Logf("   %s %s %s", a.Portsnare.Phase, a.Source.IP, a.Message)
				}
			}
		}
	}
}
