package detect

// Path probes. traceroute (Linux, BSD and macOS by default, mtr -u, network
// gear) sends UDP datagrams to one target with rising TTLs, each to the next
// port up from 33434 so that the answers can be told apart. The probes that
// expire on the way draw ICMP time exceeded from the routers; those that
// reach the target draw port unreachable, one port after the other: the
// shape of a vertical UDP scan, from every host that traces a route, and at
// an edge tap from everyone on the Internet tracing a route to a public
// server. What tells them apart is the TTL: a path probe's TTL is set to
// about the length of the path, a scanner's to what its stack or tool
// always uses (64, 128 and 255 by the operating systems, 255 by masscan and
// zmap, 37-59 at random by nmap).
//
// A refusal of a UDP contact is a path probe's answer — the contact counts
// as answered, so the source is not judged as on a one-way capture, and
// the answer weighs nothing either way — when its probe was a path probe:
//   - it arrived with a TTL of pathArrivalTTL or less. Seen beside the
//     target, a traceroute's probes arrive with TTL 1 to a few; a scanner's
//     still carry tens after the longest paths on the Internet.
//   - or its prober's probes to the same target expired on the way (the
//     routers' time exceeded is captured: a capture beside the prober, or
//     on its path) and its TTL is at most pathOvershoot above the highest
//     TTL that expired. traceroute sends up to 16 probes at once, three to
//     a TTL, so the probes that reach the target carry TTLs a few above the
//     last that expired.
//
// The probes still count as contacts: their breadth is kept, only their
// refusals are not held against the prober. A scanner that wants its UDP
// refusals ignored must set its TTL to the path's length plus a few, which
// no common tool does by default.

// pathArrivalTTL is the highest TTL a UDP probe can arrive with and count as
// a path probe without expired probes seen.
const pathArrivalTTL = 5

// pathOvershoot is how far above the highest expired TTL a UDP probe to the
// same target still counts as a path probe.
const pathOvershoot = 8

// contactSeq is what a new contact keeps in its record's seq: a TCP probe's
// sequence number (a retransmission repeats it), a UDP probe's TTL (see
// pathRefusal). A TTL of 0 means not known: no probe arrives with it.
func contactSeq(p *Probe) uint32 {
	if p.Proto == ProtoUDP {
		return uint32(p.TTL)
	}
	return p.Seq
}

// tracedKey holds, for prober and target, the highest (n) and lowest (seq)
// TTL of the prober's UDP probes to target that expired on the way.
func tracedKey(prober, target addrKey) uint64 {
	return hash5(kindTraced, prober, 0, target, 0)
}

// expired handles an ICMP time exceeded for a probe of prober to target. If
// the probe is a UDP contact the engine holds, its TTL widens the target's
// traced mark (see pathRefusal), and the contact, answered by a router, is
// a path probe's: answered, weighing nothing. Unless the prober is walking
// TTLs (two or more expired) or the TTL is tiny, the contact is left to
// its timeout instead: a firewalk sends one TTL, past a firewall, to many
// ports, and its silence is what it has always been.
func (e *Engine) expired(prober, target addrKey, r *Reply, ns ptime, now tsecs) {
	if r.Proto != ProtoUDP {
		return
	}
	pk := e.trackKey(prober, famPort)
	var c *slot
	var s *source
	ttl := uint32(0)
	if s = e.srcs.peekKey(pk); s != nil {
		if c = e.tab.find(contactKey(pk, s.gen, target, r.Proto, r.TargetPort), now); c != nil {
			ttl = c.seq
		}
	} else if l := e.lone.slot(pk); l.holds(prober, target, r.Proto, r.TargetPort) {
		ttl = uint32(l.ttl)
	}
	if ttl == 0 {
		return
	}
	m, isNew := e.tab.upsert(tracedKey(prober, target), now, 0)
	if isNew {
		m.n, m.seq = ttl, ttl
	} else {
		m.n, m.seq = max(m.n, ttl), min(m.seq, ttl)
	}
	if c != nil && (ttl <= pathArrivalTTL || m.n > m.seq) {
		ref := contactRef{dst: target, port: r.TargetPort, proto: r.Proto, fam: famPort}
		if e.transition(s, c, ref, evPathAnswer, now) {
			e.evaluate(s, ns)
		}
	}
}

// pathRefusal reports whether answer a, for a contact whose record keeps
// seq (the probe's TTL, for UDP: at most 255, 0 when not known), is the
// refusal of a path probe. Every UDP contact is of the port family.
func (e *Engine) pathRefusal(a *answer, seq uint32) bool {
	if a.proto != ProtoUDP || a.out != Failed || seq == 0 {
		return false
	}
	if seq <= pathArrivalTTL {
		return true
	}
	m := e.tab.find(tracedKey(a.pk, a.tk), a.now)
	return m != nil && seq <= m.n+pathOvershoot
}
