package enrich

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/portsnare/portsnare/internal/netset"
)

// Bounds of the scanner lists: a file is read whole, and each network
// costs some 50 bytes of index. Published research-scanner lists hold
// hundreds to a few thousand networks; a cloud provider's ranges, tens of
// thousands.
const (
	MaxListBytes   = 8 << 20 // per file
	MaxListEntries = 1 << 18 // over all files
	maxLineBytes   = 1024    // a CIDR and a name fit many times over
	maxNameBytes   = 64      // a list's name, as it appears in alerts
	maxListErrors  = 20      // per file: past that, the rest is noise
)

// listEntry is one network on a named list.
type listEntry struct {
	net  netip.Prefix
	name string
}

// parseScannerList reads a scanner list file (enrich.scanner_lists):
//
//	# research scanners, from their published ranges
//	198.51.100.0/24   shadowserver
//	2001:db8:5::/48   shadowserver
//	203.0.113.7       inventory      # our asset scanner
//	192.0.2.0/25
//
// One network per line, a CIDR or an address, then optionally the name of
// the list it belongs to ([A-Za-z0-9._-], up to 64 characters); a line
// without a name belongs to the list named after the file (its base name
// without extension: censys.txt is the list censys), so a published list
// of bare CIDRs is used as it is. '#' starts a comment; blank lines are
// skipped. Every problem is reported as path:line.
func parseScannerList(path string, data []byte) ([]listEntry, error) {
	var out []listEntry
	var errs []error
	fileName := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	fileNameOK := validName(fileName) == nil
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 256), maxLineBytes)
	line := 0
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", path, line, fmt.Sprintf(format, args...)))
	}
	for sc.Scan() && len(errs) < maxListErrors {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if len(fields) > 2 {
			fail("expected a CIDR and a list name, got %d fields: %q", len(fields), strings.TrimSpace(text))
			continue
		}
		p, err := netset.ParsePrefix(fields[0])
		if err != nil {
			fail("%v", err)
			continue
		}
		name := fileName
		if len(fields) == 2 {
			name = fields[1]
			if err := validName(name); err != nil {
				fail("list name %v", err)
				continue
			}
		} else if !fileNameOK {
			fail("no list name, and the file's name %q cannot be one (%v): name the list on each line", fileName, validName(fileName))
			continue
		}
		out = append(out, listEntry{net: p, name: name})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			line++ // the scanner stopped on the line it could not hold
			fail("line longer than %d bytes", maxLineBytes)
		} else {
			fail("%v", err)
		}
	}
	if len(errs) >= maxListErrors {
		errs = append(errs, fmt.Errorf("%s: more problems not shown", path))
	}
	if len(errs) == 0 && len(out) == 0 {
		// Most likely a file truncated by a writer that has not finished:
		// refusing it keeps the list in force until the file is complete.
		errs = append(errs, fmt.Errorf("%s: no networks: a scanner list names at least one", path))
	}
	return out, errors.Join(errs...)
}

// validName checks a list's name: it is written into alerts and searched
// for in a SIEM, so it is kept to a plain token.
func validName(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	if len(s) > maxNameBytes {
		return fmt.Errorf("%q is longer than %d characters", s, maxNameBytes)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("%q: only letters, digits, '.', '_' and '-' are allowed", s)
		}
	}
	return nil
}
