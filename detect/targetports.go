package detect

// A target's failed ports are kept in a list (t.ports) in the order they
// failed, and found through an open-addressed index of positions in it:
// every refusal looks its port up, and a vertical scan fills the list to
// maxTargetPorts, so a scan of the list would make each refusal of a long
// scan cost thousands of comparisons. The index is at most half full; it
// grows by doubling and is rebuilt when ports leave the list. Like the
// list, it is kept when a target is forgotten and reused by the next (see
// fresh).
//
// Each index entry holds 1 + a position (0 is empty) in its low bits and,
// above them, a tag: bits of a second hash of the port. A look-up reads a
// listed port only when its entry's tag matches. The list is as large as
// the index's lines are many, so reading the listed port behind every
// occupied entry on the way was a second cache miss for each: on a target
// a scan refuses thousands of times, a new port (most refusals) now costs
// the index's line alone.
const (
	targetPosBits = 13 // positions 1..maxTargetPorts
	targetPosMask = 1<<targetPosBits - 1
)

// A position must fit below the tag: a maxTargetPorts above the mask makes
// this constant negative, which does not compile.
const _ = uint(targetPosMask - maxTargetPorts)

// minTargetIndex is the index's first size.
const minTargetIndex = 64

// addPort records that contributor i failed on proto/port.
func (t *target) addPort(proto uint8, port uint16, i int) {
	if len(t.index) == 0 {
		t.reindex(minTargetIndex)
	}
	mask := uint32(len(t.index) - 1)
	h := portSlot(proto, port) & mask
	tag := portTag(proto, port)
	for ; t.index[h] != 0; h = (h + 1) & mask {
		if e := t.index[h]; e&^targetPosMask == tag {
			if p := &t.ports[e&targetPosMask-1]; p.port == port && p.proto == proto {
				p.by |= 1 << i
				return
			}
		}
	}
	if len(t.ports) >= maxTargetPorts {
		return
	}
	t.ports = append(t.ports, targetPort{proto: proto, port: port, by: 1 << i})
	if 2*len(t.ports) > len(t.index) {
		t.reindex(2 * len(t.index))
		return
	}
	t.index[h] = tag | uint32(len(t.ports))
}

// reindex rebuilds the index at size n (a power of two), reusing its array
// when it is large enough.
func (t *target) reindex(n int) {
	if cap(t.index) >= n {
		t.index = t.index[:n]
		clear(t.index)
	} else {
		t.index = make([]uint32, n)
	}
	mask := uint32(n - 1)
	for j := range t.ports {
		p := &t.ports[j]
		h := portSlot(p.proto, p.port) & mask
		for t.index[h] != 0 {
			h = (h + 1) & mask
		}
		t.index[h] = portTag(p.proto, p.port) | uint32(j+1)
	}
}

// portSlot spreads proto/port over the index: scans walk ports in order,
// which a plain modulus would pile into runs.
func portSlot(proto uint8, port uint16) uint32 {
	return (uint32(proto)<<16 | uint32(port)) * 0x9e3779b1 >> 16
}

// portTag is the tag of proto/port's index entries: the top bits of a
// second multiplicative hash, independent of the slot portSlot picks.
func portTag(proto uint8, port uint16) uint32 {
	return (uint32(proto)<<16 | uint32(port)) * 0x85ebca6b &^ targetPosMask
}
