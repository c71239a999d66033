package detect

import "testing"

// tableSlots must round up to a power of two and never overflow: the
// doubling it replaces looped forever for sizes above 2^62.
func TestTableSlots(t *testing.T) {
	for _, tc := range []struct{ size, want int }{
		{-1, bucketSlots},
		{0, bucketSlots},
		{3, bucketSlots},
		{1024, 1024},
		{1025, 2048},
		{1<<20 - 1, 1 << 20},
		{maxTableSlots, maxTableSlots},
		{maxTableSlots + 1, maxTableSlots},
		{1<<62 + 1, maxTableSlots},
		{int(^uint(0) >> 1), maxTableSlots},
	} {
		if got := tableSlots(tc.size); got != tc.want {
			t.Errorf("tableSlots(%d) = %d, want %d", tc.size, got, tc.want)
		}
	}
}
