package allowlist

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"slices"
)

// targetIndex numbers a rule's target addresses 0..size-1, so that a
// bitmap can say which of them a scan reached. Target sets of up to
// maxExactTargets addresses are counted exactly, address by address (8 KiB
// at most per rule); larger ones only by a distinct counter.
type targetIndex struct {
	v4, v6 []span
	cum4   []uint64 // addresses in the v4 spans before each
	cum6   []uint64
	size   uint64 // saturating
	exact  bool
}

// maxExactTargets bounds the targets counted address by address.
const maxExactTargets = 1 << 16

func newTargetIndex(s *addrSet) *targetIndex {
	x := &targetIndex{v4: s.v4, v6: s.v6}
	x.cum4, x.size = cumulate(s.v4, 0)
	x.cum6, x.size = cumulate(s.v6, x.size)
	x.exact = x.size <= maxExactTargets
	return x
}

// cumulate returns the addresses before each span, counting from n, and
// the total, saturating.
func cumulate(spans []span, n uint64) ([]uint64, uint64) {
	cum := make([]uint64, len(spans))
	for i, s := range spans {
		cum[i] = n
		n = satAdd(n, spanSize(s))
	}
	return cum, n
}

func spanSize(s span) uint64 {
	lo, borrow := bits.Sub64(s.hi.lo, s.lo.lo, 0)
	hi, _ := bits.Sub64(s.hi.hi, s.lo.hi, borrow)
	if hi != 0 || lo == ^uint64(0) {
		return ^uint64(0)
	}
	return lo + 1
}

func satAdd(a, b uint64) uint64 {
	if s, carry := bits.Add64(a, b, 0); carry == 0 {
		return s
	}
	return ^uint64(0)
}

// pos numbers k, and false when it is not a target. Only for exact indexes,
// whose spans are small enough for the low word's difference.
func (x *targetIndex) pos(k key, v4 bool) (uint32, bool) {
	spans, cum := x.v6, x.cum6
	if v4 {
		spans, cum = x.v4, x.cum4
	}
	i, found := slices.BinarySearchFunc(spans, k, func(s span, k key) int {
		switch {
		case s.hi.less(k):
			return -1
		case k.less(s.lo):
			return 1
		}
		return 0
	})
	if !found {
		return 0, false
	}
	return uint32(cum[i] + (k.lo - spans[i].lo.lo)), true
}

// addr is the target numbered p.
func (x *targetIndex) addr(p uint32) netip.Addr {
	n := uint64(p)
	if i := lastBefore(x.cum6, n); i >= 0 {
		k := x.v6[i].lo
		lo, carry := bits.Add64(k.lo, n-x.cum6[i], 0)
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], k.hi+carry)
		binary.BigEndian.PutUint64(b[8:], lo)
		return netip.AddrFrom16(b)
	}
	i := lastBefore(x.cum4, n)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(x.v4[i].lo.lo+n-x.cum4[i]))
	return netip.AddrFrom4(b)
}

// lastBefore is the last index whose cumulative count is not above n; -1 none.
func lastBefore(cum []uint64, n uint64) int {
	i, _ := slices.BinarySearch(cum, n+1)
	return i - 1
}
