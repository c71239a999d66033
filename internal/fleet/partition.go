package fleet

import "net/netip"

// Partition is the partition of source's evidence among n: FNV-1a of the
// address (an IPv6 source's first 64 bits: a scanner hopping addresses in
// its /64 stays in one partition) modulo n. It is stable across sensors,
// versions and architectures, so that every sensor routes one source to
// the same correlator.
func Partition(source netip.Addr, n int) int {
	if n <= 1 {
		return 0
	}
	source = source.Unmap()
	var b []byte
	var buf [16]byte
	if source.Is4() {
		a := source.As4()
		copy(buf[:4], a[:])
		b = buf[:4]
	} else {
		buf = source.As16()
		b = buf[:8]
	}
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return int(h % uint64(n))
}
