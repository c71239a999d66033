package portspec

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol is what a spec names. It is not an IP protocol number: icmp
// covers ICMP for IPv4 and IPv6 in the allowlist, and None is no protocol at
// all; consumers map it to what they match on.
type Protocol uint8

const (
	None   Protocol = iota // a bare LIST: the consumer decides, or refuses
	Any                    // any: every protocol and port
	TCP                    // tcp
	UDP                    // udp
	SCTP                   // sctp
	ICMP                   // icmp: ICMP types, IPv4 and IPv6
	ICMPv6                 // icmpv6: ICMPv6 types only
	IP                     // ip: IP protocol numbers (nmap -sO)
)

// protocols are the names a spec may use, in the order Expected lists them.
var protocols = []struct {
	name  string
	proto Protocol
}{
	{"tcp", TCP}, {"udp", UDP}, {"sctp", SCTP}, {"icmp", ICMP}, {"icmpv6", ICMPv6}, {"ip", IP}, {"any", Any},
}

// Expected says what a protocol may be, for messages about an unknown one.
const Expected = "expected tcp, udp, sctp, icmp or icmpv6, optionally with /PORTS, ip/PROTOCOL, or any"

func (p Protocol) String() string {
	for _, q := range protocols {
		if q.proto == p {
			return q.name
		}
	}
	return "none"
}

// Max is the largest number a LIST may hold for p.
func (p Protocol) Max() int {
	switch p {
	case ICMP, ICMPv6, IP:
		return 255
	}
	return 65535
}

// unit names what p's numbers count, in messages.
func (p Protocol) unit() string {
	switch p {
	case ICMP, ICMPv6:
		return "ICMP type"
	case IP:
		return "IP protocol"
	}
	return "port"
}

// article puts "a" or "an" before a unit.
func article(unit string) string {
	if unit[0] == 'I' {
		return "an " + unit
	}
	return "a " + unit
}

// Range is an inclusive range of ports, ICMP types or IP protocols.
type Range struct{ Lo, Hi uint16 }

// Spec is one parsed spec.
type Spec struct {
	Proto Protocol
	// Ranges are the LIST as written, in order; nil means every port of
	// Proto (always nil for Any).
	Ranges []Range
}

// Count is how many numbers the ranges hold, overlaps counted twice.
func (s Spec) Count() int {
	n := 0
	for _, r := range s.Ranges {
		n += int(r.Hi) - int(r.Lo) + 1
	}
	return n
}

// Parse reads one spec. Its errors quote the spec and say what was
// expected, so that consumers only add where the spec was written.
func Parse(s string) (Spec, error) {
	spec, err := parse(s)
	if err != nil {
		return Spec{}, fmt.Errorf("%q: %v", s, err)
	}
	return spec, nil
}

func parse(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Spec{}, fmt.Errorf("empty: expected a protocol, ports or both, such as tcp/22, 8000-8010/tcp or udp/53")
	}
	left, right, slash := strings.Cut(s, "/")
	left, right = strings.TrimSpace(left), strings.TrimSpace(right)
	if !slash {
		if isList(left) {
			ranges, err := parseList(left, None)
			return Spec{Proto: None, Ranges: ranges}, err
		}
		p, err := protocol(left)
		return Spec{Proto: p}, err
	}
	switch {
	case right == "":
		return Spec{}, fmt.Errorf("nothing after %q", left+"/")
	case left == "":
		return Spec{}, fmt.Errorf("nothing before %q", "/"+right)
	case strings.Contains(right, "/"):
		return Spec{}, fmt.Errorf("more than one \"/\": expected PROTOCOL/PORTS or PORTS/PROTOCOL")
	}
	// Either order: tcp/22 and 22/tcp. The protocol is the side that names
	// one, else the side that is not numbers, so that the message is about
	// the part that is wrong: "http" in tcp/http is not a port, "tpc" in
	// 22/tpc is not a protocol.
	name, list := left, right
	if _, err := protocol(left); err != nil {
		if _, err := protocol(right); err == nil || isList(left) {
			name, list = right, left
		}
	}
	p, err := protocol(name)
	if err != nil {
		return Spec{}, err
	}
	if p == Any {
		return Spec{}, fmt.Errorf("any takes no ports")
	}
	ranges, err := parseList(list, p)
	return Spec{Proto: p, Ranges: ranges}, err
}

// protocol reads a protocol name.
func protocol(name string) (Protocol, error) {
	lower := strings.ToLower(name)
	for _, q := range protocols {
		if q.name == lower {
			return q.proto, nil
		}
	}
	return None, fmt.Errorf("unknown protocol %q (%s)", name, Expected)
}

// isList reports whether s looks like a LIST rather than a protocol: it
// starts with a digit or a dash. "1x" is then a bad list, not a protocol.
func isList(s string) bool {
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '-')
}

// parseList reads "22,80,8000-8100": numbers and inclusive ranges.
func parseList(list string, p Protocol) ([]Range, error) {
	var out []Range
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		from, to, isRange := strings.Cut(part, "-")
		lo, err := parseNumber(from, p)
		if err != nil {
			return nil, err
		}
		hi := lo
		if isRange {
			if hi, err = parseNumber(to, p); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, fmt.Errorf("range %s runs backwards", part)
			}
		}
		out = append(out, Range{lo, hi})
	}
	return out, nil
}

func parseNumber(s string, p Protocol) (uint16, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case err != nil && s == "":
		return 0, fmt.Errorf("%s is missing", article(p.unit()))
	case err != nil:
		return 0, fmt.Errorf("%q is not %s", s, article(p.unit()))
	case n < 0 || n > p.Max():
		return 0, fmt.Errorf("%s %d is out of range (0-%d)", p.unit(), n, p.Max())
	}
	return uint16(n), nil
}
