package detect

import "net/netip"

// Dark ports are ports nothing serves on the hosts they are watched on: no
// legitimate client has reason to reach one, so a probe to one is a decoy
// touch, seen by capture alone (passive, and spoofable: no handshake proves
// the source). They are judged here, in the engine, so that a replay with
// the same configuration raises what the live sensor raised.

// darkSet is the engine's view of Config.DarkPorts and Config.DarkHosts.
type darkSet struct {
	ports [65536 / 64]uint64
	any   bool
	hosts map[netip.Addr]bool // nil: every destination
}

func newDarkSet(ports []uint16, hosts []netip.Addr) darkSet {
	var d darkSet
	for _, p := range ports {
		d.ports[p/64] |= 1 << (p % 64)
		d.any = true
	}
	if len(hosts) > 0 {
		d.hosts = make(map[netip.Addr]bool, len(hosts))
		for _, h := range hosts {
			d.hosts[h.Unmap()] = true
		}
	}
	return d
}

// touches reports whether p touches a dark port: a TCP SYN or a UDP
// datagram to one, on a watched host. Other segments there are answers, or
// scans already counted as probes.
func (d *darkSet) touches(p *Probe) bool {
	if !d.any || d.ports[p.DstPort/64]&(1<<(p.DstPort%64)) == 0 {
		return false
	}
	switch p.Technique {
	case TechSYN, TechConnect, TechUDP:
	default:
		return false
	}
	return d.hosts == nil || d.hosts[p.Dst.Unmap()]
}

// darkTouch feeds the touch p made on a dark port.
func (e *Engine) darkTouch(p *Probe) {
	proto := ProtoTCP
	if p.Technique == TechUDP {
		proto = ProtoUDP
	}
	e.Touch(&Touch{Time: p.Time, Src: p.Src, Dst: p.Dst, SrcPort: p.SrcPort, DstPort: p.DstPort,
		Proto: proto, Passive: true})
}
