package portspec

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzParse: no input makes Parse panic; a rejected spec is quoted in the
// error; an accepted one is well formed and reads back the same from its
// canonical form in either order.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"23", "23/tcp", "tcp/22,80,443", "22,80/tcp", "8000-8010/udp", "icmp/8", "ip/47",
		"any", "tcp", "tcp/", "/tcp", "1-2-3", "65536", "tcp/22/udp", " UDP / 53 ", "-", ",", "0-65535"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			if !strings.HasPrefix(err.Error(), strconv.Quote(in)+": ") {
				t.Errorf("Parse(%q): error %q does not start with the spec", in, err)
			}
			return
		}
		if s.Proto == Any && s.Ranges != nil {
			t.Errorf("%q: any with ranges %v", in, s.Ranges)
		}
		for _, r := range s.Ranges {
			if r.Lo > r.Hi || int(r.Hi) > s.Proto.Max() {
				t.Errorf("%q: bad range %v for %v", in, r, s.Proto)
			}
		}
		if s.Proto == None || s.Ranges == nil {
			return
		}
		list := format(s.Ranges)
		for _, again := range []string{s.Proto.String() + "/" + list, list + "/" + s.Proto.String()} {
			back, err := Parse(again)
			if err != nil || back.Proto != s.Proto || format(back.Ranges) != list {
				t.Errorf("%q reads back from %q as %+v, %v", in, again, back, err)
			}
		}
	})
}

// format writes ranges as a LIST.
func format(rs []Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = strconv.Itoa(int(r.Lo))
		if r.Hi != r.Lo {
			parts[i] += "-" + strconv.Itoa(int(r.Hi))
		}
	}
	return strings.Join(parts, ",")
}
