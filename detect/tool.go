package detect

// toolEvidence records which scanner a first contact's packet looks like.
// The tool is reported as evidence only; no verdict depends on it.
func (e *Engine) toolEvidence(s *source, p *Probe) {
	switch {
	case p.IPID == 54321 && p.Dst.Is4():
		// zmap before 4.1 sends every probe with this IP id.
		s.zmapish++
	case p.Proto == ProtoTCP && zmapSYN(p):
		s.zmapish++
	case p.Proto == ProtoTCP && p.Dst.Is4() && masscanID(p):
		s.masscanish++
	case p.Proto == ProtoTCP && masscanSYN(p):
		s.masscanish++
	case p.Proto == ProtoTCP && nmapTCP(p):
		s.nmapish++
	}
}

// zmapSYN: zmap since 4.1 sends a random IP id, TTL 64, window 65535 and
// Windows' option layout — which Windows itself sends with TTL 128 and a
// window of 64240 or 8192, so the combination is zmap's.
func zmapSYN(p *Probe) bool {
	return (p.Technique == TechSYN || p.Technique == TechConnect) &&
		p.FP&FPWindowsOptions != 0 && p.Window == 65535 && p.TTL <= 64 && p.FP&FPPayload == 0
}

// masscanSYN: masscan since late 2023 (1.3.9) sends window 1025 with an
// MSS option and TTL 255; before, window 1024 and no options (its IP id,
// derived from the destination, port and sequence number, marks both).
func masscanSYN(p *Probe) bool {
	return p.Technique == TechSYN && p.TTL > 128 &&
		(p.Window == 1025 && p.FP&FPMSSOnly != 0 || p.Window == 1024 && p.FP&FPNoTCPOptions != 0)
}

// masscanID: masscan derives the IP id from the destination address, port and
// sequence number, so that it can recognise its replies statelessly.
func masscanID(p *Probe) bool {
	a := p.Dst.As4()
	d := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	return uint16(d^uint32(p.DstPort)^p.Seq) == p.IPID
}

// nmapTCP: nmap's raw TCP probes use a window of 1024 to 4096 in steps of
// 1024, and its SYNs carry a lone MSS option while its other probes carry none.
func nmapTCP(p *Probe) bool {
	switch p.Window {
	case 1024, 2048, 3072, 4096:
	default:
		return false
	}
	if p.Technique == TechSYN {
		return p.FP&FPMSSOnly != 0
	}
	return p.FP&FPNoTCPOptions != 0
}

// tool names the scanner most of the source's TCP first contacts point to
// (the fingerprints are TCP's; zmap's IP id shows on any probe).
func (s *source) tool() string {
	var tcp uint32
	for _, t := range []Technique{TechSYN, TechConnect, TechFIN, TechNULL, TechXmas, TechACK, TechMaimon, TechTCPOdd} {
		tcp += s.techCount(t)
	}
	half := (tcp + 1) / 2
	switch {
	case s.zmapish >= half && s.zmapish > 0:
		return "zmap"
	case tcp < 3:
		return "" // too few TCP probes to tell
	case s.masscanish >= half:
		return "masscan"
	case s.nmapish >= half:
		return "nmap"
	}
	return ""
}
