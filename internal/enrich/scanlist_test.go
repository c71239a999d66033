package enrich

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/detect"
)

const researchList = `# research scanners
198.51.100.0/24   shadowserver
2001:db8:5::/48   shadowserver   # its IPv6 range
203.0.113.7       inventory
203.0.113.0/24    censys
`

func TestScannerListsTagWithoutSuppressing(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.ScannerLists = []string{
		writeFile(t, dir, "research.txt", researchList),
		// Bare CIDRs belong to the list named after the file.
		writeFile(t, dir, "own-tools.list", "10.9.0.0/16\n203.0.113.0/28 # overlaps censys\n"),
	}
	e := mustNew(t, cfg)
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"198.51.100.200", []string{"shadowserver"}},
		{"2001:db8:5:1::9", []string{"shadowserver"}},
		{"203.0.113.7", []string{"censys", "inventory", "own-tools"}},
		{"203.0.113.9", []string{"censys", "own-tools"}},
		{"203.0.113.200", []string{"censys"}},
		{"::ffff:10.9.1.1", []string{"own-tools"}},
		{"10.10.0.1", nil},
		{"2001:db8:6::1", nil},
	} {
		a := alert(detect.ActionPortscan, c.src, "10.0.0.1")
		e.Apply(a)
		if !reflect.DeepEqual(a.Portsnare.ScannerList, c.want) {
			t.Errorf("%s: scanner_list %v, want %v", c.src, a.Portsnare.ScannerList, c.want)
		}
		if a.Portsnare.Suppressed {
			t.Errorf("%s: suppressed", c.src)
		}
	}

	// A decoy scan names several sources: any on a list tags the alert.
	a := alert(detect.ActionDecoyPortscan, "192.0.2.1", "10.0.0.1")
	a.Portsnare.Scan.Sources = []string{"192.0.2.1", "198.51.100.3", "10.9.0.1"}
	e.Apply(a)
	if want := []string{"own-tools", "shadowserver"}; !reflect.DeepEqual(a.Portsnare.ScannerList, want) {
		t.Errorf("decoy scan: scanner_list %v, want %v", a.Portsnare.ScannerList, want)
	}
}

func TestScannerListProblems(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bad.txt", strings.Join([]string{
		"198.51.100.0/24 shadowserver",
		"198.51.100.5/24 shadowserver",
		"not-an-address research",
		"192.0.2.0/24 two names",
		"192.0.2.0/24 na/me",
		"192.0.2.0/24 " + strings.Repeat("x", 65),
	}, "\n"))
	_, err := New(Config{ScannerLists: []string{path}}, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"enrich.scanner_lists[0]: " + path + `:2: "198.51.100.5/24" has bits set past its length: did you mean 198.51.100.0/24?`,
		path + `:3: "not-an-address" is not an IP address or CIDR`,
		path + `:4: expected a CIDR and a list name, got 3 fields`,
		path + `:5: list name "na/me": only letters, digits`,
		path + ":6: list name \"xxx",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), ":1:") {
		t.Errorf("a good line is reported:\n%v", err)
	}
}

func TestScannerListFileProblems(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.txt", "192.0.2.0/24\n")
	for _, c := range []struct {
		name, text, want string
	}{
		{"empty.txt", "# nothing yet\n\n", "empty.txt: no networks: a scanner list names at least one"},
		{"long.txt", "192.0.2.0/24 " + strings.Repeat("a", 2000) + "\n", "long.txt:1: line longer than 1024 bytes"},
		{"bad name!.txt", "192.0.2.0/24\n", `bad name!.txt:1: no list name, and the file's name "bad name!" cannot be one`},
	} {
		path := writeFile(t, dir, c.name, c.text)
		_, err := New(Config{ScannerLists: []string{good, path}}, Options{})
		if err == nil || !strings.Contains(err.Error(), "enrich.scanner_lists[1]: "+filepath.Join(dir, c.want)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	missing := filepath.Join(dir, "missing.txt")
	if _, err := New(Config{ScannerLists: []string{missing}}, Options{}); err == nil ||
		!strings.Contains(err.Error(), "enrich.scanner_lists[0]: open "+missing+": no such file or directory") {
		t.Errorf("missing: %v", err)
	}
	if _, err := New(Config{ScannerLists: []string{good, good}}, Options{}); err == nil ||
		!strings.Contains(err.Error(), "enrich.scanner_lists: \""+good+"\" is listed twice") {
		t.Errorf("twice: %v", err)
	}
	huge := filepath.Join(dir, "huge.txt")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, MaxListBytes+1); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{ScannerLists: []string{huge}}, Options{}); err == nil ||
		!strings.Contains(err.Error(), "larger than the 8388608 a scanner list may have") {
		t.Errorf("huge: %v", err)
	}
}

// Past the bound on networks over all files, the lists are refused.
func TestScannerListsTooManyNetworks(t *testing.T) {
	var b strings.Builder
	for i := range MaxListEntries/2 + 1 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		b.WriteString(a.String())
		b.WriteByte('\n')
	}
	dir := t.TempDir()
	one := writeFile(t, dir, "a.txt", b.String())
	if _, err := New(Config{ScannerLists: []string{one}}, Options{}); err != nil {
		t.Fatalf("half the bound refused: %v", err)
	}
	two := writeFile(t, dir, "b.txt", b.String())
	_, err := New(Config{ScannerLists: []string{one, two}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "enrich.scanner_lists[1]: "+two+": the lists hold more than 262144 networks in all") {
		t.Errorf("err %v", err)
	}
}

func FuzzParseScannerList(f *testing.F) {
	f.Add([]byte(researchList))
	f.Add([]byte("10.0.0.0/8\n::/0 all\n# x\n"))
	f.Add([]byte("1.2.3.4/33 x\n\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseScannerList("fuzz.txt", data)
		if err != nil {
			return
		}
		ix := buildIndex(entries)
		for _, e := range entries {
			if names := ix.lookup(e.net.Addr()); len(names) == 0 {
				t.Fatalf("%s (%s) not found in the index", e.net, e.name)
			}
			if validName(e.name) != nil {
				t.Fatalf("invalid name %q accepted", e.name)
			}
		}
	})
}
