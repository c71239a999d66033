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
	// segments, neighbour discovery, time exceeded, later fragments, TCP to
	// multicast destinations and the like.
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
	}
}
