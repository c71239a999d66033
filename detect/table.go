package detect

import "math/bits"

// table is a fixed-size, open-addressed hash table of small records: first
// contacts, per-host and per-port counters, flows. Its size never changes, so
// memory is bounded whatever the traffic; when a bucket is full the least
// recently touched record gives way. Stale records (older than the engine's
// idle timeout) count as free.
type table struct {
	slots []slot
	mask  uint64 // bucket index mask
	stale tsecs  // age after which a record is free
}

// slot is one record. Fields mean what the record's kind says: for a contact
// n is its state, sport/seq the first probe's source port and sequence number;
// for counters n is the count.
type slot struct {
	key   uint64
	t     tsecs // last touch
	n     uint32
	seq   uint32
	sport uint16
	aux   uint16
}

const bucketSlots = 4

// maxTableSlots bounds a table: 2^30 slots are 24 GiB. Config.Validate
// refuses more; tableSlots clamps to it as well, so that no size, however
// wrong, makes the rounding below overflow (doubling past 2^62 wraps to a
// negative number and never ends).
const maxTableSlots = 1 << 30

// tableSlots is size rounded up to a power of two, between bucketSlots and
// maxTableSlots.
func tableSlots(size int) int {
	if size <= bucketSlots {
		return bucketSlots
	}
	if size >= maxTableSlots {
		return maxTableSlots
	}
	return 1 << bits.Len(uint(size-1))
}

func newTable(size int, staleSecs tsecs) *table {
	n := tableSlots(size)
	return &table{slots: make([]slot, n), mask: uint64(n/bucketSlots - 1), stale: staleSecs}
}

func (tb *table) bucket(key uint64) []slot {
	i := (key & tb.mask) * bucketSlots
	return tb.slots[i : i+bucketSlots : i+bucketSlots]
}

func (tb *table) live(s *slot, now tsecs) bool {
	return s.key != 0 && age(s, now) <= tb.stale
}

// age is how long ago the record was touched. Packets from several capture
// sockets arrive slightly out of order, so a record can be touched "after"
// now: its age is then zero, not a wrapped-around eternity.
func age(s *slot, now tsecs) tsecs {
	if s.t > now {
		return 0
	}
	return now - s.t
}

// find returns the live record with key, or nil.
func (tb *table) find(key uint64, now tsecs) *slot {
	b := tb.bucket(key)
	for i := range b {
		if b[i].key == key && tb.live(&b[i], now) {
			return &b[i]
		}
	}
	return nil
}

// upsert returns the record with key, creating it (zeroed) if absent. isNew
// tells which. The record's touch time is set to now. A full bucket gives up
// its lowest-priority record, oldest first: records of sources that have
// proved persistent carry priority 1, so a flood of one-packet sources can
// only displace its own kind.
func (tb *table) upsert(key uint64, now tsecs, prio uint16) (s *slot, isNew bool) {
	b := tb.bucket(key)
	victim := -1
	for i := range b {
		if b[i].key == key {
			if tb.live(&b[i], now) {
				b[i].t = now
				b[i].aux = max(b[i].aux, prio)
				return &b[i], false
			}
			victim = i
			break
		}
	}
	if victim < 0 {
		for i := range b {
			if !tb.live(&b[i], now) {
				victim = i
				break
			}
			if victim < 0 || b[i].aux < b[victim].aux ||
				(b[i].aux == b[victim].aux && age(&b[i], now) > age(&b[victim], now)) {
				victim = i
			}
		}
	}
	b[victim] = slot{key: key, t: now, aux: prio}
	return &b[victim], true
}
