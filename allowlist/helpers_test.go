package allowlist

import (
	"net/netip"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// mustList loads rules written as a YAML rules file.
func mustList(t testing.TB, yaml string) *List {
	t.Helper()
	rules, err := Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml)
	}
	l, err := New(Config{Rules: rules}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// at is a time in RFC 3339.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// anyTime is a packet time for tests that are not about time.
var anyTime = at("2026-11-29T07:50:12Z")

func probe(src, dst string, proto uint8, port uint16, when time.Time) *detect.Probe {
	return &detect.Probe{
		Time: when, Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst),
		Proto: proto, DstPort: port, SrcPort: 40000, Technique: detect.TechSYN,
	}
}

func tcp(src string, port uint16) *detect.Probe {
	return probe(src, "192.0.2.1", detect.ProtoTCP, port, anyTime)
}

// verdict is what Authorize returns, for comparison.
type verdict struct {
	rule    string
	inScope bool
}

func authorize(l *List, p *detect.Probe) verdict {
	r, in := l.Authorize(p)
	return verdict{r, in}
}
