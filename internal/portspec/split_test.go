package portspec

import (
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	for in, want := range map[string][]string{
		"":                         nil,
		" , ":                      nil,
		"auto":                     {"auto"},
		"23,161/udp":               {"23", "161/udp"}, // as before the grammar had comma lists
		"23, 8000-8010/tcp , auto": {"23", "8000-8010/tcp", "auto"},
		"udp/53,123,tcp/22":        {"udp/53,123", "tcp/22"},
		"tcp/22,80,443":            {"tcp/22,80,443"},
		"tcp,22":                   {"tcp", "22"}, // tcp takes no list: 22 stands alone
		"53/udp,123":               {"53/udp", "123"},
		"icmp/8,0,ip/47":           {"icmp/8,0", "ip/47"},
	} {
		if got := Split(in); !slices.Equal(got, want) {
			t.Errorf("Split(%q) = %q, want %q", in, got, want)
		}
	}
}
