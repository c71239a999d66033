package honeyport

import (
	"fmt"
	"strconv"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/portspec"
)

// Port is a transport protocol and port number: 23/tcp, 161/udp.
type Port struct {
	Proto uint8 // detect.ProtoTCP or detect.ProtoUDP
	Num   uint16
}

func (p Port) String() string {
	return strconv.Itoa(int(p.Num)) + "/" + protoName(p.Proto)
}

func protoName(proto uint8) string {
	switch proto {
	case detect.ProtoTCP:
		return "tcp"
	case detect.ProtoUDP:
		return "udp"
	}
	return "proto" + strconv.Itoa(int(proto))
}

// ParsePorts reads one port entry in the grammar of internal/portspec:
// "23", "23/tcp", "tcp/23", "161/udp", "8000-8010/tcp", "tcp/22,80,443".
// A number without a protocol is TCP because that is where almost every
// service worth imitating lives. Decoys listen on TCP and UDP ports only, so
// the other protocols and port 0 are refused, naming the entry.
func ParsePorts(s string) ([]Port, error) {
	spec, err := portspec.Parse(s)
	if err != nil {
		return nil, err
	}
	var p uint8
	switch spec.Proto {
	case portspec.None, portspec.TCP:
		p = detect.ProtoTCP
	case portspec.UDP:
		p = detect.ProtoUDP
	default:
		return nil, fmt.Errorf("%q: a decoy is a TCP or UDP port, such as \"23/tcp\" or \"161/udp\", not %s", s, spec.Proto)
	}
	if spec.Ranges == nil {
		return nil, fmt.Errorf("%q: a decoy needs its port numbers, such as \"%s/23\"", s, spec.Proto)
	}
	if spec.Count() > 1<<16 {
		// Overlapping ranges, repeated: refused before they are expanded.
		return nil, fmt.Errorf("%q: more ports than a protocol has", s)
	}
	out := make([]Port, 0, spec.Count())
	for _, r := range spec.Ranges {
		if r.Lo == 0 {
			return nil, fmt.Errorf("%q: port 0 cannot be a decoy (1-65535)", s)
		}
		for n := int(r.Lo); n <= int(r.Hi); n++ {
			out = append(out, Port{p, uint16(n)})
		}
	}
	return out, nil
}

// portSet is a set of ports: 16 KiB, constant-time lookup.
type portSet struct {
	tcp, udp [65536 / 64]uint64
}

func (s *portSet) words(proto uint8) *[65536 / 64]uint64 {
	switch proto {
	case detect.ProtoTCP:
		return &s.tcp
	case detect.ProtoUDP:
		return &s.udp
	}
	return nil
}

// Add puts p in the set; ports of other protocols are ignored.
func (s *portSet) Add(p Port) {
	if w := s.words(p.Proto); w != nil {
		w[p.Num/64] |= 1 << (p.Num % 64)
	}
}

// Has reports whether the set holds port num of proto.
func (s *portSet) Has(proto uint8, num uint16) bool {
	w := s.words(proto)
	return w != nil && w[num/64]&(1<<(num%64)) != 0
}
