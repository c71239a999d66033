package honeyport

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreValid(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	p, _ := c.compile()
	if len(p.candidates) != len(curated) {
		t.Errorf("auto gives %d ports, want the %d curated ones", len(p.candidates), len(curated))
	}
	for _, want := range []Port{tcp(23), tcp(445), tcp(139), tcp(3389), tcp(5900), tcp(1433), tcp(3306), tcp(5432),
		tcp(6379), tcp(9200), tcp(2375), tcp(2376), tcp(27017), tcp(11211), udp(11211)} {
		if !slices.Contains(p.candidates, want) {
			t.Errorf("auto lacks %s", want)
		}
	}
	for _, never := range []Port{tcp(22), tcp(53), udp(53), tcp(80), tcp(443), udp(5353)} {
		if slices.Contains(p.candidates, never) {
			t.Errorf("auto has %s, which hosts commonly serve", never)
		}
	}
}

// SetDefaults keeps what was set, including an explicit empty list.
func TestSetDefaultsKeepsValues(t *testing.T) {
	c := Config{Ports: []string{}, RecordBytes: 10, Banners: []string{}}
	c.SetDefaults()
	if len(c.Ports) != 0 || c.RecordBytes != 10 || len(c.Banners) != 0 {
		t.Errorf("SetDefaults overwrote set values: %+v", c)
	}
	if c.ReadTimeout != 5*time.Second || len(c.Addresses) != 2 {
		t.Errorf("SetDefaults did not fill zero values: %+v", c)
	}
}

func TestPortsMixAutoExplicitExcludeDark(t *testing.T) {
	c := DefaultConfig()
	c.Ports = []string{"auto", "2222", "4000-4002/udp", "23/TCP"}
	c.ExcludePorts = []string{"3306", "4001/udp"}
	c.DarkPorts = []uint16{6379, 161, 69}
	p, errs := c.compile()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	has := func(q Port) bool { return slices.Contains(p.candidates, q) }
	for q, want := range map[Port]bool{
		tcp(2222): true, udp(4000): true, udp(4002): true, tcp(23): true, tcp(445): true,
		tcp(3306): false, udp(4001): false, // excluded
		tcp(6379): false, udp(161): false, udp(69): false, tcp(69): false, // dark, either protocol
		udp(1434): true, udp(6379): false,
	} {
		if has(q) != want {
			t.Errorf("%s: candidate %v, want %v", q, has(q), want)
		}
	}
	if !slices.IsSortedFunc(p.candidates, func(a, b Port) int {
		return int(a.Proto)<<16 + int(a.Num) - (int(b.Proto)<<16 + int(b.Num))
	}) || len(slices.Compact(slices.Clone(p.candidates))) != len(p.candidates) {
		t.Errorf("candidates not sorted and unique: %v", p.candidates)
	}
}

// Validate reports every problem at once, each starting with its key and
// showing the value.
func TestValidateNamesKeyAndValue(t *testing.T) {
	c := Config{
		Enabled:           true,
		Ports:             []string{"auto", "ssh", "70000", "10-5", "53/sctp", "8080"},
		ExcludePorts:      []string{"x"},
		Addresses:         []string{"0.0.0.0", "localhost", "fe80::1%eth0"},
		Banners:           []string{"21=gopher", "1-2=ssh", "22=SSH", "23=none", "25"},
		RecordBytes:       5000,
		ReadTimeout:       2 * time.Minute,
		MaxConns:          0,
		MaxConnsPerSource: -1,
		UDPReplyRate:      -1,
		RecheckInterval:   time.Millisecond,
		DarkPorts:         []uint16{8080, 0},
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`ports: "ssh": unknown protocol "ssh" (expected tcp, udp, sctp, icmp or icmpv6`,
		`ports: "70000": port 70000 is out of range (0-65535)`,
		`ports: "10-5": range 10-5 runs backwards`,
		`ports: "53/sctp": a decoy is a TCP or UDP port, such as "23/tcp" or "161/udp", not sctp`,
		`ports: "8080" is also in dark_ports`,
		`exclude_ports: "x": unknown protocol "x"`,
		`addresses: "localhost" is not an IP address`,
		`addresses: "fe80::1%eth0": link-local addresses with a zone are not supported`,
		`banners: "21=gopher": "gopher" is not one of ftp, http, mysql, none, smtp, ssh, telnet`,
		`banners: "1-2=ssh": "1-2" is not one port`,
		`banners: "25" is not port=name`,
		`record_bytes must be between 1 and 4096, got 5000`,
		`read_timeout must be a positive duration of at most 1m0s, got 2m0s`,
		`max_conns must be between 1 and 65536, got 0`,
		`max_conns_per_source must be between 1 and max_conns (0), got -1`,
		`udp_reply_rate must not be negative, got -1`,
		`recheck_interval must be at least 1s, got 1ms`,
		`dark_ports: 0 is not a port`,
	}
	lines := err.(interface{ Unwrap() []error }).Unwrap()
	for _, w := range want {
		if !slices.ContainsFunc(lines, func(e error) bool { return strings.Contains(e.Error(), w) }) {
			t.Errorf("no error says %q", w)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d errors, want %d:\n%v", len(lines), len(want), err)
	}
	// Each starts with the key as written in the honeyport section, which
	// is how cmd/portsnare qualifies it.
	for _, e := range lines {
		key, _, _ := strings.Cut(e.Error(), " ")
		key = strings.TrimSuffix(key, ":")
		if !slices.Contains([]string{"ports", "exclude_ports", "addresses", "banners", "record_bytes", "read_timeout",
			"max_conns", "max_conns_per_source", "udp_reply_rate", "recheck_interval", "dark_ports"}, key) {
			t.Errorf("error does not start with a key: %q", e)
		}
	}
}

func TestTooManyDecoyPorts(t *testing.T) {
	c := DefaultConfig()
	c.Ports = []string{"10000-11000", "20000-20100"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "ports: 1102 ports, at most 1024") {
		t.Errorf("got %v", err)
	}
}

func TestParsePorts(t *testing.T) {
	for in, want := range map[string][]Port{
		"23":          {tcp(23)},
		" 23/tcp ":    {tcp(23)},
		"161/UDP":     {udp(161)},
		"65535":       {tcp(65535)},
		"7-9/udp":     {udp(7), udp(8), udp(9)},
		"100-100/tcp": {tcp(100)},
		"tcp/23":      {tcp(23)},
		"udp/7-9":     {udp(7), udp(8), udp(9)},
		"tcp/22,80":   {tcp(22), tcp(80)},
		"22,80/udp":   {udp(22), udp(80)},
		"22,80":       {tcp(22), tcp(80)},
	} {
		got, err := ParsePorts(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParsePorts(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                        `"": empty`,
		"0":                       `"0": port 0 cannot be a decoy (1-65535)`,
		"0-10/udp":                `"0-10/udp": port 0 cannot be a decoy`,
		"-1":                      `"-1": a port is missing`,
		"65536":                   `"65536": port 65536 is out of range (0-65535)`,
		"1-":                      `"1-": a port is missing`,
		"a-b":                     `"a-b": unknown protocol "a-b"`,
		"23/":                     `"23/": nothing after "23/"`,
		"1-2-3":                   `"1-2-3": "2-3" is not a port`,
		"1-70000":                 `"1-70000": port 70000 is out of range (0-65535)`,
		"23/icmp":                 `"23/icmp": a decoy is a TCP or UDP port, such as "23/tcp" or "161/udp", not icmp`,
		"sctp/9899":               `"sctp/9899": a decoy is a TCP or UDP port, such as "23/tcp" or "161/udp", not sctp`,
		"any":                     `"any": a decoy is a TCP or UDP port`,
		"udp":                     `"udp": a decoy needs its port numbers, such as "udp/23"`,
		"1-65535,1-65535/tcp":     `"1-65535,1-65535/tcp": more ports than a protocol has`,
		"tcp/1-65535,1-65535,1-9": `more ports than a protocol has`,
	} {
		got, err := ParsePorts(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePorts(%q) = %v, %v; want an error with %q", in, got, err, want)
		}
	}
	if s := udp(161).String(); s != "161/udp" {
		t.Errorf("String = %q", s)
	}
}

// TestMaxConnsBounded: max_conns had no upper bound; past the open-file
// limit every decoy's accept fails, not only the excess.
func TestMaxConnsBounded(t *testing.T) {
	c := DefaultConfig()
	c.MaxConns = 1 << 40
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "max_conns must be between 1 and 65536, got 1099511627776") {
		t.Fatalf("Validate() = %v", err)
	}
	c.MaxConns, c.Enabled = 1000, true
	if got := c.MemoryBytes(); got < 1000*16<<10 {
		t.Errorf("MemoryBytes() = %d, want at least 16 KiB per connection", got)
	}
}
