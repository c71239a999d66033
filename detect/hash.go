package detect

import (
	"encoding/binary"
	"net/netip"
)

// Keys into the engine's tables are 64-bit hashes of the fields that identify
// an entry. The kind tag keeps different tables' keys apart even though they
// share one open-addressed array. With 64-bit keys a collision among a few
// million live entries is vanishingly unlikely, and the cost of one (a
// contact mistaken for a repeat) is a single undercounted probe.
const (
	kindContact   = 1  // (src, gen, dst, proto, port): a first contact
	kindHostPorts = 2  // (src, gen, dst): distinct ports probed on that host
	kindPortHosts = 3  // (src, gen, proto, port): distinct hosts probed on that port
	kindFlow      = 4  // (a, aport, b, bport, proto): a flow seen opening
	kindOrphan    = 7  // (src, gen, dst, proto, port): an outcome that arrived before its probe
	kindAsk       = 8  // (dst): a neighbour ask for dst, and whether traffic to dst followed
	kindLock      = 9  // lock-step probe slots (see lockstep)
	kindBlock     = 10 // (src, gen, block of dst): failed port contacts in that network block (see blockOf)
)

// addrKey is an address split into two words for hashing.
type addrKey struct{ hi, lo uint64 }

// keyOf gives the words of the address's 16-byte (IPv4-mapped) form.
func keyOf(a netip.Addr) addrKey {
	if a.Is4() {
		b := a.As4()
		return addrKey{0, 0xffff<<32 | uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return addrKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// mix folds x into h; fmix finishes. Both are the multiply-xorshift steps of
// splitmix64, cheap and well distributed.
func mix(h, x uint64) uint64 {
	h ^= x
	h *= 0x9e3779b97f4a7c15
	return h ^ (h >> 31)
}

func fmix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	if h == 0 { // 0 marks an empty slot
		h = 1
	}
	return h
}

func hash5(kind uint64, a addrKey, x uint64, b addrKey, y uint64) uint64 {
	return fmix(mix(mix(mix(mix(mix(kind, a.hi), a.lo), x), b.hi^(b.lo<<1)), y))
}
