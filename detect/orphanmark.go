package detect

// orphanMarks says, without reading the contact table, whether an outcome
// may be waiting for a probe as an orphan (see pickUpOrphan). A live
// sensor reading several sockets keeps some orphans all the time, and
// every new contact then looked one up: one more cache miss in the
// table, per probe, for the rare contact that has one. The marks are two
// bitsets, small enough to stay in the processor's cache, in which each
// orphan stored sets the bit of its key: a clear bit means no orphan, a
// set bit is only a maybe, checked in the table.
//
// The current set takes the marks of the last orphanSecs or more; at the
// next turn it becomes the previous one and the previous is cleared. An
// orphan older than orphanSecs is never picked up, so that one marked
// before the previous set began is no longer wanted. The two sets'
// words for a key sit side by side, so that a look-up reads one cache
// line, which PrefetchProbe can fetch ahead.
type orphanMarks struct {
	words  *[orphanMarkWords][2]uint64
	cur    int   // which of each pair is the current set's
	turned tsecs // when the current set began
}

// orphanMarkWords sizes each set: 2^20 bits, 128 KiB. At tens of
// thousands of orphans a second, the sets stay mostly clear.
const orphanMarkWords = 1 << 14

func markBit(key uint64) (word int, bit uint64) {
	i := key % (orphanMarkWords * 64)
	return int(i / 64), 1 << (i % 64)
}

// mark notes an orphan of key stored at table time now. The sets are
// allocated at the first orphan: most replays never have one.
func (m *orphanMarks) mark(key uint64, now tsecs) {
	if m.words == nil {
		m.words, m.turned = new([orphanMarkWords][2]uint64), now
	}
	if now > m.turned && now-m.turned > orphanSecs {
		m.cur ^= 1
		for w := range m.words {
			m.words[w][m.cur] = 0
		}
		m.turned = now
	}
	w, b := markBit(key)
	m.words[w][m.cur] |= b
}

// maybe reports whether an orphan of key may be stored.
func (m *orphanMarks) maybe(key uint64) bool {
	p := m.pair(key)
	if p == nil {
		return false
	}
	_, b := markBit(key)
	return (p[0]|p[1])&b != 0
}

// pair is the memory maybe(key) reads, nil before the first orphan.
func (m *orphanMarks) pair(key uint64) *[2]uint64 {
	if m.words == nil {
		return nil
	}
	w, _ := markBit(key)
	return &m.words[w]
}
