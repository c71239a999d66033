package detect

// TCP flag bits of Probe.Flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
	tcpURG = 0x20
)

// oddProbe reports whether p carries a flag set no operating system's
// stack sends. Without ACK, a stack sends only SYN (to open) and RST; NULL,
// FIN, Xmas and SYN combined with FIN, PSH or URG are crafted — and a
// handful of them is a scan whatever answers them.
func oddProbe(p *Probe) bool {
	switch p.Technique {
	case TechNULL, TechFIN, TechXmas:
		return true
	case TechTCPOdd:
		return p.Flags&tcpACK == 0
	case TechSYN, TechConnect:
		return p.Flags&(tcpFIN|tcpPSH|tcpURG) != 0
	}
	return false
}

// oddEvidence counts p's odd flags and OS-detection marks. Every probe
// counts, repeats included: nmap -O sends most of its probes to the same
// two ports. It reports whether anything was counted.
func (e *Engine) oddEvidence(s *source, p *Probe, ns ptime) bool {
	if p.Proto != ProtoTCP {
		return false
	}
	counted := false
	if p.FP&FPNmapOS != 0 {
		s.osProbes++
		counted = true
	}
	if oddProbe(p) {
		s.odd++
		s.more().oddBurst.add(ns, e.cfg.BurstWindow)
		counted = true
	}
	return counted
}

// challengeACK reports whether p, a bare ACK from B:bp to A:ap, answers a
// SYN that A sent to B:bp from port ap: a server that believes the
// connection still open answers a new SYN on it with an ACK (RFC 5961's
// challenge ACK, or the plain ACK of older stacks). That is B answering —
// something listens — not B ACK-scanning A. It records the answer.
func (e *Engine) challengeACK(p *Probe, src, dst addrKey, ns ptime, now tsecs) bool {
	if p.Technique != TechACK {
		return false
	}
	dk := e.aggKey(dst)
	s := e.srcs.peekKey(dk)
	if s == nil {
		return false
	}
	c := e.tab.find(contactKey(dk, s.gen, src, ProtoTCP, p.SrcPort), now)
	if c == nil || c.sport != p.DstPort {
		return false
	}
	e.matched++
	ref := contactRef{dst: src, port: p.SrcPort, proto: ProtoTCP, fam: famPort, tech: TechSYN}
	if e.transition(s, c, ref, evAnswered, now) {
		e.evaluate(s, ns)
	}
	return true
}
