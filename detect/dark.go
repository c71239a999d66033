package detect

import "net/netip"

// Dark ports are ports nothing serves on the hosts they are watched on: no
// legitimate client has reason to reach one, so a probe to one is a decoy
// touch, seen by capture alone (passive, and spoofable: no handshake proves
// the source). They are judged here, in the engine, so that a replay with
// the same configuration raises what the live sensor raised.

// darkSet is the engine's view of Config.DarkPorts and Config.DarkHosts,
// and of the TCP ports decoys listen on (SetDecoyPorts): a SYN to a decoy is
// a touch even when the scanner never completes the handshake (nmap -sS
// resets after the decoy's SYN-ACK, and accept() never returns).
type darkSet struct {
	ports  [65536 / 64]uint64
	decoys [65536 / 64]uint64 // TCP only: UDP decoys see every datagram themselves
	any    bool
	hosts  map[netip.Addr]bool // nil: every destination
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

// touches reports whether p touches a dark port — a TCP SYN or a UDP
// datagram to one — or sends a SYN to a decoy, on a watched host. Other
// segments there are answers, or scans already counted as probes.
func (d *darkSet) touches(p *Probe) bool {
	if !d.any {
		return false
	}
	bit := uint64(1) << (p.DstPort % 64)
	switch p.Technique {
	case TechSYN, TechConnect:
		if (d.ports[p.DstPort/64]|d.decoys[p.DstPort/64])&bit == 0 {
			return false
		}
	case TechUDP:
		if d.ports[p.DstPort/64]&bit == 0 {
			return false
		}
	default:
		return false
	}
	return d.hosts == nil || d.hosts[p.Dst.Unmap()]
}

// isDecoy reports whether a decoy listens on TCP port.
func (d *darkSet) isDecoy(port uint16) bool {
	return d.decoys[port/64]&(1<<(port%64)) != 0
}

// SetDecoyPorts tells the engine the TCP ports decoy listeners hold now (on
// the hosts dark ports are watched on). Call it from the goroutine that feeds
// the engine, whenever the decoys change.
func (e *Engine) SetDecoyPorts(tcp []uint16) {
	d := &e.dark
	d.decoys = [65536 / 64]uint64{}
	any := false
	for _, w := range d.ports {
		any = any || w != 0
	}
	for _, p := range tcp {
		d.decoys[p/64] |= 1 << (p % 64)
		any = true
	}
	d.any = any
}

// darkTouch feeds the touch p made on a dark port.
func (e *Engine) darkTouch(p *Probe) {
	proto := ProtoTCP
	if p.Technique == TechUDP {
		proto = ProtoUDP
	}
	// The probe itself has been fed: only the touch is left to record.
	e.touched(&Touch{Time: p.Time, Src: p.Src, Dst: p.Dst, SrcPort: p.SrcPort, DstPort: p.DstPort,
		Proto: proto, Passive: true})
}
