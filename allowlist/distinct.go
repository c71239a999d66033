package allowlist

import (
	"math"
	"math/bits"
)

// distinct counts distinct addresses in bounded memory: exactly up to
// exactKeys of them, then as a HyperLogLog estimate (Flajolet et al. 2007)
// with 2^hllBits registers, which is within about 2% (one standard error) — enough to say how
// much of a wide target range a scan reached, at 4 KiB per rule. Adding
// allocates nothing.
type distinct struct {
	keys [exactKeys]key
	n    int
	over bool // more than exactKeys were seen: count is the estimate
	regs []uint8
}

const (
	exactKeys = 64
	hllBits   = 12
)

func newDistinct() *distinct { return &distinct{regs: make([]uint8, 1<<hllBits)} }

func (d *distinct) add(k key) {
	h := mix(k)
	i := h >> (64 - hllBits)
	if r := uint8(bits.LeadingZeros64(h<<hllBits|1<<(hllBits-1)) + 1); r > d.regs[i] {
		d.regs[i] = r
	}
	if d.over {
		return
	}
	for _, x := range d.keys[:d.n] {
		if x == k {
			return
		}
	}
	if d.n == exactKeys {
		d.over = true
		return
	}
	d.keys[d.n] = k
	d.n++
}

// count returns the number of distinct addresses added, and whether it is
// an estimate.
func (d *distinct) count() (uint64, bool) {
	if !d.over {
		return uint64(d.n), false
	}
	m := float64(len(d.regs))
	sum, zeros := 0.0, 0
	for _, r := range d.regs {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	est := 0.7213 / (1 + 1.079/m) * m * m / sum
	if est <= 2.5*m && zeros > 0 {
		est = m * math.Log(m/float64(zeros)) // linear counting, better for few
	}
	return max(uint64(est+0.5), exactKeys+1), true
}

func (d *distinct) reset() {
	d.n, d.over = 0, false
	clear(d.regs)
}

// mix hashes a key (the finaliser of MurmurHash3 over both words).
func mix(k key) uint64 {
	h := k.hi*0x9e3779b97f4a7c15 ^ k.lo
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
