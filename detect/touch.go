package detect

import (
	"net/netip"
	"time"
)

// Touch is a contact with a decoy: a honeyport listener accepted a
// connection or datagram, or capture saw a probe to a "dark" port that no
// legitimate client has reason to reach. One touch is enough to alert.
type Touch struct {
	Time     time.Time
	Src, Dst netip.Addr
	SrcPort  uint16
	DstPort  uint16
	Proto    uint8 // ProtoTCP or ProtoUDP
	// Handshake: a TCP handshake completed, which proves the source address
	// is real. Passive touches (seen by capture on a dark port) never have it
	// and are spoofable.
	Handshake bool
	Passive   bool
	// Banner names the greeting the decoy sent ("ssh", "http", … or "").
	Banner string
	// Bytes is how many bytes the client sent; First holds the first of
	// them (the honeyport's recording limit). The engine keeps First: the
	// caller must not reuse it.
	Bytes int
	First []byte
}
