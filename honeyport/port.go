package honeyport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/portsnare/portsnare/detect"
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

// ParsePorts reads one port entry: "23" (TCP), "23/tcp", "161/udp", or a
// range "8000-8010/tcp". A bare number is TCP because that is where almost
// every service worth imitating lives.
func ParsePorts(s string) ([]Port, error) {
	num, proto, hasProto := strings.Cut(strings.TrimSpace(s), "/")
	p := detect.ProtoTCP
	if hasProto {
		switch strings.ToLower(proto) {
		case "tcp":
		case "udp":
			p = detect.ProtoUDP
		default:
			return nil, fmt.Errorf("%q: protocol must be tcp or udp", s)
		}
	}
	lo, hi, isRange := strings.Cut(num, "-")
	first, err := parseNum(lo)
	if err != nil {
		return nil, fmt.Errorf("%q: %v", s, err)
	}
	last := first
	if isRange {
		if last, err = parseNum(hi); err != nil {
			return nil, fmt.Errorf("%q: %v", s, err)
		}
		if last < first {
			return nil, fmt.Errorf("%q: range ends before it starts", s)
		}
	}
	out := make([]Port, 0, int(last-first)+1)
	for n := int(first); n <= int(last); n++ {
		out = append(out, Port{p, uint16(n)})
	}
	return out, nil
}

func parseNum(s string) (uint16, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("not a port number (1-65535)")
	}
	return uint16(n), nil
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
