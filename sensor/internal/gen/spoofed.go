package gen

import "github.com/google/gopacket/layers"

// maxSpoofed is the most spoofed sources a capture can have: one per
// address of 100.64.0.0/10.
const maxSpoofed = 1 << 22

// spoofedSYN fills p with the i-th SYN of a flood from spoofed sources:
// each from its own address (an odd multiplier permutes the /10, so no
// address repeats), to a web server, from a random-looking port, as
// flooding tools send them.
func spoofedSYN(p *pkt, i int) {
	a := uint32(i) * 2654435761 % maxSpoofed
	*p = pkt{
		src:   [4]byte{100, byte(64 | a>>16), byte(a >> 8), byte(a)},
		dst:   [4]byte{198, 18, 1, byte(1 + i%16)},
		proto: layers.IPProtocolTCP,
		ttl:   64,
		ipid:  uint16(a),
		sport: uint16(1024 + a%60000),
		dport: 80,
		flags: fSYN,
		seq:   a * 7919,
		win:   512,
	}
}
