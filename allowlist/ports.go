package allowlist

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/portsnare/portsnare/detect"
)

// portSet is a rule's protocols and ports as sorted, merged ranges of
// proto<<16|port: one binary search answers any probe. For ICMP the "port"
// is the request's ICMP type, as in detect.Probe.
type portSet struct {
	spans []portSpan
}

type portSpan struct{ lo, hi uint32 }

func (s *portSet) contains(proto uint8, port uint16) bool {
	k := uint32(proto)<<16 | uint32(port)
	lo, hi := 0, len(s.spans)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if k < s.spans[m].lo {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo > 0 && k <= s.spans[lo-1].hi
}

// protocols names what a ports entry may start with, and what the "ports"
// after the slash count: ports up to 65535, or ICMP types up to 255.
var protocols = map[string]struct {
	numbers []uint8
	max     int
	unit    string
}{
	"tcp":    {[]uint8{detect.ProtoTCP}, 65535, "port"},
	"udp":    {[]uint8{detect.ProtoUDP}, 65535, "port"},
	"sctp":   {[]uint8{detect.ProtoSCTP}, 65535, "port"},
	"icmp":   {[]uint8{detect.ProtoICMP, detect.ProtoICMPv6}, 255, "ICMP type"},
	"icmpv6": {[]uint8{detect.ProtoICMPv6}, 255, "ICMP type"},
}

const protocolsExpected = "expected tcp, udp, sctp, icmp or icmpv6, optionally with /PORTS, ip/PROTOCOL, or any"

// parsePorts reads a rule's ports entries. A nil set means any protocol and
// port: no entries, or an "any" among them.
func parsePorts(entries []string) (*portSet, []error) {
	var spans []portSpan
	var errs []error
	anything := len(entries) == 0
	for i, e := range entries {
		got, all, err := parsePortEntry(e)
		if err != nil {
			errs = append(errs, fmt.Errorf("ports[%d]: %q: %v", i, e, err))
		}
		anything = anything || all
		spans = append(spans, got...)
	}
	if anything || len(errs) > 0 {
		return nil, errs
	}
	slices.SortFunc(spans, func(a, b portSpan) int { return cmp.Compare(a.lo, b.lo) })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return &portSet{spans: out}, nil
}

// parsePortEntry reads "tcp", "tcp/22,80,8000-8100", "icmp/8", "ip/47", "any".
func parsePortEntry(e string) (spans []portSpan, all bool, err error) {
	name, list, hasList := strings.Cut(strings.ToLower(strings.TrimSpace(e)), "/")
	if hasList && strings.TrimSpace(list) == "" {
		return nil, false, fmt.Errorf("nothing after %q", name+"/")
	}
	switch name {
	case "any":
		if hasList {
			return nil, false, fmt.Errorf("any takes no ports")
		}
		return nil, true, nil
	case "ip":
		if !hasList {
			return nil, true, nil // every IP protocol is any probe
		}
		ranges, err := parseRanges(list, 255, "IP protocol")
		for _, r := range ranges {
			spans = append(spans, portSpan{r[0] << 16, r[1]<<16 | 0xffff})
		}
		return spans, false, err
	}
	p, ok := protocols[name]
	if _, err := strconv.Atoi(name); err == nil {
		return nil, false, fmt.Errorf("a port needs its protocol, such as \"tcp/%s\" or \"udp/%s\"", name, name)
	}
	if !ok {
		return nil, false, fmt.Errorf("unknown protocol %q (%s)", name, protocolsExpected)
	}
	ranges := [][2]uint32{{0, uint32(p.max)}}
	if hasList {
		if ranges, err = parseRanges(list, p.max, p.unit); err != nil {
			return nil, false, err
		}
	}
	for _, proto := range p.numbers {
		for _, r := range ranges {
			spans = append(spans, portSpan{uint32(proto)<<16 | r[0], uint32(proto)<<16 | r[1]})
		}
	}
	return spans, false, nil
}

// parseRanges reads "22,80,8000-8100": numbers and inclusive ranges up to max.
func parseRanges(list string, max int, unit string) ([][2]uint32, error) {
	var out [][2]uint32
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		from, to, isRange := strings.Cut(part, "-")
		lo, err := parseNumber(from, max, unit)
		if err != nil {
			return nil, err
		}
		hi := lo
		if isRange {
			if hi, err = parseNumber(to, max, unit); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, fmt.Errorf("range %s runs backwards", part)
			}
		}
		out = append(out, [2]uint32{lo, hi})
	}
	return out, nil
}

func parseNumber(s string, max int, unit string) (uint32, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case err != nil && s == "":
		return 0, fmt.Errorf("a %s is missing", unit)
	case err != nil:
		return 0, fmt.Errorf("%q is not a %s", s, unit)
	case n < 0 || n > max:
		return 0, fmt.Errorf("%s %d is out of range (0-%d)", unit, n, max)
	}
	return uint32(n), nil
}
