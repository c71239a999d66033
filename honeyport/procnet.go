package honeyport

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/portsnare/portsnare/detect"
)

// socket is one line of /proc/net/tcp, tcp6, udp or udp6: a socket of this
// network namespace, whoever owns it.
type socket struct {
	Port  Port
	Addr  netip.Addr
	State uint8  // TCP state as the kernel numbers it; tcpListen is 0x0A
	Inode uint64 // identifies the socket; 0 for sockets no file refers to (TIME_WAIT)
}

const tcpListen = 0x0A

// holds reports whether s keeps its port from a decoy: a listening TCP
// socket, or a UDP socket of any state (bound is enough to own the port).
// TCP connections are not: an outgoing one may use any port, and the
// decoys' own accepted connections have their port. (A TCP socket bound
// but not yet listening is not in /proc/net/tcp at all, and with
// SO_REUSEADDR on both sides the kernel lets a decoy bind beside it: only a
// service caught between its bind and its listen, a window of microseconds,
// can lose its port that way.)
func (s socket) holds() bool {
	return s.Port.Proto == detect.ProtoUDP || s.State == tcpListen
}

// procNetFiles are read by readProcNet; the IPv6 ones are absent when the
// kernel has IPv6 disabled.
var procNetFiles = []struct {
	name  string
	proto uint8
}{
	{"tcp", detect.ProtoTCP}, {"tcp6", detect.ProtoTCP},
	{"udp", detect.ProtoUDP}, {"udp6", detect.ProtoUDP},
}

// readProcNet reads every socket of this network namespace from dir
// (normally /proc/net, which any user may read).
func readProcNet(dir string) ([]socket, error) {
	var all []socket
	for _, f := range procNetFiles {
		file, err := os.Open(filepath.Join(dir, f.name))
		if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(f.name, "6") {
			continue
		}
		if err != nil {
			return nil, err
		}
		socks, err := parseProcNet(file, f.proto)
		file.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file.Name(), err)
		}
		all = append(all, socks...)
	}
	return all, nil
}

// parseProcNet reads the kernel's table format:
//
//	sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode ...
//	 0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 40163 ...
//
// Addresses are hex of the address's 32-bit words as the host stores them;
// ports are plain hex. A malformed line is an error, not a skipped line: a
// table misread could hand a service's port to a decoy.
func parseProcNet(r io.Reader, proto uint8) ([]socket, error) {
	sc := bufio.NewScanner(r)
	var out []socket
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue // header
		}
		text := sc.Text()
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if len(f) < 10 {
			return nil, fmt.Errorf("line %d: %d fields, want at least 10", line+1, len(f))
		}
		addr, port, err := parseHexAddrPort(f[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: local address %q: %v", line+1, f[1], err)
		}
		st, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("line %d: state %q: %v", line+1, f[3], err)
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: inode %q: %v", line+1, f[9], err)
		}
		out = append(out, socket{Port: Port{proto, port}, Addr: addr, State: uint8(st), Inode: inode})
	}
	return out, sc.Err()
}

// parseHexAddrPort reads "0100007F:0CEA" (127.0.0.1:3306 on a
// little-endian host) or its 32-hex-digit IPv6 form.
func parseHexAddrPort(s string) (netip.Addr, uint16, error) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.Addr{}, 0, errors.New("no port")
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.Addr{}, 0, errors.New("bad port")
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.Addr{}, 0, errors.New("bad address")
	}
	// The kernel prints each 32-bit word with %08X of its value in host
	// memory, so the bytes come back by storing each word in native order.
	var b [16]byte
	for i := 0; i < len(raw); i += 4 {
		binary.NativeEndian.PutUint32(b[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	if len(raw) == 4 {
		return netip.AddrFrom4([4]byte(b[:4])), uint16(port), nil
	}
	return netip.AddrFrom16(b).Unmap(), uint16(port), nil
}
