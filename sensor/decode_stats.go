package sensor

// DecodeStats counts what the Decoder did with the packets it was given.
// Every packet lands in exactly one of Probes, Replies, Ignored, Unsupported,
// DecodeErrors and Truncated, so those six add up to Packets; Decoded is
// Probes + Replies + Ignored.
type DecodeStats struct {
	// Packets is the number of packets given to Decode.
	Packets uint64
	// Decoded packets were understood down to the layer that decides, whether
	// or not they produced a Probe or Reply.
	Decoded uint64
	// Probes and Replies are the calls made on the Handler.
	Probes  uint64
	Replies uint64
	// Ignored packets were understood and say nothing about scanning: data
	// segments, router discovery, time exceeded, fragments of a datagram
	// not yet (or already) reassembled, TCP to multicast destinations and
	// the like.
	Ignored uint64
	// Unsupported packets have a link type or network protocol the Decoder
	// does not read (LLC, 802.11, ARP for other than IPv4 over Ethernet, ...).
	Unsupported uint64
	// DecodeErrors are malformed packets: bad versions or header lengths,
	// ICMP errors whose quote is shorter than the standard requires.
	DecodeErrors uint64
	// Truncated packets were cut by the capture's snap length before a header
	// the Decoder needs.
	Truncated uint64

	// Fragments are the IPv4 and IPv6 fragments among Packets. Each lands
	// in Ignored, except the one that completes the start of its datagram,
	// which lands where the reassembled datagram decodes to, and malformed
	// ones (empty, not a multiple of 8 bytes before the last, reaching past
	// 64 KiB), which are DecodeErrors.
	Fragments uint64
	// Reassembled datagrams had the start decoding needs filled in by
	// their fragments and were decoded.
	Reassembled uint64
	// ReassemblyTimeouts and ReassemblyEvictions are datagrams given up
	// before their start was complete: a fragment was still missing after
	// 30 seconds of packet time (counted when a later fragment comes), or
	// the reassembly table was full and they were the oldest.
	ReassemblyTimeouts  uint64
	ReassemblyEvictions uint64
}

// sub returns s - o, field by field: the counts between two snapshots.
func (s DecodeStats) sub(o DecodeStats) DecodeStats {
	return DecodeStats{
		Packets:      s.Packets - o.Packets,
		Decoded:      s.Decoded - o.Decoded,
		Probes:       s.Probes - o.Probes,
		Replies:      s.Replies - o.Replies,
		Ignored:      s.Ignored - o.Ignored,
		Unsupported:  s.Unsupported - o.Unsupported,
		DecodeErrors: s.DecodeErrors - o.DecodeErrors,
		Truncated:    s.Truncated - o.Truncated,

		Fragments:           s.Fragments - o.Fragments,
		Reassembled:         s.Reassembled - o.Reassembled,
		ReassemblyTimeouts:  s.ReassemblyTimeouts - o.ReassemblyTimeouts,
		ReassemblyEvictions: s.ReassemblyEvictions - o.ReassemblyEvictions,
	}
}

// add returns s + o, field by field.
func (s DecodeStats) add(o DecodeStats) DecodeStats {
	return DecodeStats{
		Packets:      s.Packets + o.Packets,
		Decoded:      s.Decoded + o.Decoded,
		Probes:       s.Probes + o.Probes,
		Replies:      s.Replies + o.Replies,
		Ignored:      s.Ignored + o.Ignored,
		Unsupported:  s.Unsupported + o.Unsupported,
		DecodeErrors: s.DecodeErrors + o.DecodeErrors,
		Truncated:    s.Truncated + o.Truncated,

		Fragments:           s.Fragments + o.Fragments,
		Reassembled:         s.Reassembled + o.Reassembled,
		ReassemblyTimeouts:  s.ReassemblyTimeouts + o.ReassemblyTimeouts,
		ReassemblyEvictions: s.ReassemblyEvictions + o.ReassemblyEvictions,
	}
}
