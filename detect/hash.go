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
	kindTraced    = 11 // (prober, target): the prober's probes to target expired on the way (see path.go)
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

// fmix finishes a key: the final multiply-xorshift steps of splitmix64,
// which spread every input bit over the whole word.
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

// hash5 is the key of an entry identified by up to five words. Each word is
// multiplied by its own odd constant and the products are folded together
// before fmix: the multiplications do not wait on one another, where
// folding each word into the last one's mix made a chain of five dependent
// multiplications, and a packet hashes several keys (8 % of a live
// sensor's time under a scan).
func hash5(kind uint64, a addrKey, x uint64, b addrKey, y uint64) uint64 {
	h := (kind^a.hi)*0x9e3779b97f4a7c15 ^ a.lo*0xc2b2ae3d27d4eb4f ^ x*0x165667b19e3779f9 ^
		(b.hi^b.lo<<1)*0xd6e8feb86659fd93 ^ y*0xff51afd7ed558ccd
	return fmix(h)
}
