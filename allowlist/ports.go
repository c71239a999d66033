package allowlist

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/portspec"
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

// numbers maps a spec's protocol to the IP protocols it matches: icmp is
// ICMP for either IP version, icmpv6 only ICMPv6.
var numbers = map[portspec.Protocol][]uint8{
	portspec.TCP:    {detect.ProtoTCP},
	portspec.UDP:    {detect.ProtoUDP},
	portspec.SCTP:   {detect.ProtoSCTP},
	portspec.ICMP:   {detect.ProtoICMP, detect.ProtoICMPv6},
	portspec.ICMPv6: {detect.ProtoICMPv6},
}

// parsePorts reads a rule's ports entries. A nil set means any protocol and
// port: no entries, or an "any" among them.
func parsePorts(entries []string) (*portSet, []error) {
	var spans []portSpan
	var errs []error
	anything := len(entries) == 0
	for i, e := range entries {
		got, all, err := parsePortEntry(e)
		if err != nil {
			errs = append(errs, fmt.Errorf("ports[%d]: %v", i, err))
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

// parsePortEntry reads one spec of internal/portspec: "tcp",
// "tcp/22,80,8000-8100", "22,80/tcp", "icmp/8", "ip/47", "any". Numbers
// without a protocol are refused: what a rule authorizes is written out.
func parsePortEntry(e string) (spans []portSpan, all bool, err error) {
	spec, err := portspec.Parse(e)
	if err != nil {
		return nil, false, err
	}
	switch spec.Proto {
	case portspec.Any:
		return nil, true, nil
	case portspec.None:
		list := strings.TrimSpace(e)
		return nil, false, fmt.Errorf("%q: a port needs its protocol, such as \"tcp/%s\" or \"udp/%s\"", e, list, list)
	case portspec.IP:
		if spec.Ranges == nil {
			return nil, true, nil // every IP protocol is any probe
		}
		for _, r := range spec.Ranges {
			spans = append(spans, portSpan{uint32(r.Lo) << 16, uint32(r.Hi)<<16 | 0xffff})
		}
		return spans, false, nil
	}
	ranges := spec.Ranges
	if ranges == nil {
		ranges = []portspec.Range{{Lo: 0, Hi: uint16(spec.Proto.Max())}}
	}
	for _, proto := range numbers[spec.Proto] {
		for _, r := range ranges {
			spans = append(spans, portSpan{uint32(proto)<<16 | uint32(r.Lo), uint32(proto)<<16 | uint32(r.Hi)})
		}
	}
	return spans, false, nil
}
