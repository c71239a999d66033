package honeyport

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Config is the honeyport section of the configuration. Lists hold the text
// the user wrote; New compiles them once. Start from DefaultConfig, or call
// SetDefaults on a partly filled Config.
type Config struct {
	// Enabled opens the decoys. Off by default: listening on ports of the
	// host is a choice the operator makes.
	Enabled bool
	// Ports lists the decoy ports: "auto" (see Curated) and specs as
	// ParsePorts reads them ("23", "23/tcp", "tcp/23", "161/udp",
	// "8000-8010/tcp", "tcp/22,80,443"), in any mix. Ports any other
	// socket on the host holds are never taken, whatever the list says.
	Ports []string
	// ExcludePorts are never taken: ports of services the host will run
	// later, which a decoy would otherwise keep from binding.
	ExcludePorts []string
	// Addresses to listen on; "0.0.0.0" and "::" (IPv6 only) by default.
	Addresses []string
	// Banners gives ports a greeting, as "port=name" items: "21=ftp",
	// "161/udp=ssh". Names: ssh, http, smtp, ftp, mysql, telnet, none. Ports
	// not listed stay silent.
	Banners []string
	// RecordBytes is how many of the first bytes a client sends are kept
	// in the touch (at most 4096).
	RecordBytes int
	// ReadTimeout bounds a decoy connection's whole life: greeting, reading
	// and reply. A connection never outlives it.
	ReadTimeout time.Duration
	// MaxConns and MaxConnsPerSource cap concurrent decoy connections, in
	// all and per source (an IPv4 address or an IPv6 /64). A connection over
	// a cap is still a touch, but is reset at once.
	MaxConns          int
	MaxConnsPerSource int
	// UDPReplyRate is how many replies per second a source can get from UDP
	// decoys (0: never reply). A reply is never larger than the datagram
	// that asked for it.
	UDPReplyRate float64
	// RecheckInterval is how often the ports in use on the host are read
	// again, to give up decoys on ports another socket has bound and to retry
	// ports that failed to bind for a passing reason.
	RecheckInterval time.Duration
	// DarkPorts are watched by capture alone (TCP and UDP), with no
	// listener: a probe to one is a passive touch. The capture path reads
	// them; here they only keep decoys off those ports, which must stay
	// dark.
	DarkPorts []uint16
}

// Limits of the configuration.
const (
	MaxRecordBytes = 4096
	maxReadTimeout = time.Minute
	maxDecoyPorts  = 1024 // each costs a socket per address
	// MaxMaxConns bounds max_conns: each connection holds a descriptor,
	// a goroutine and up to record_bytes, and past the process's open-file
	// limit accept would fail for every decoy, not only the excess.
	MaxMaxConns = 1 << 16
	minRecheck  = time.Second
)

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	var c Config
	c.SetDefaults()
	return c
}

// SetDefaults fills the fields left at their zero value, nil lists
// included. A zero that is meant (udp_reply_rate 0: never reply; no ports
// at all) must be set after it. The configuration loader starts from
// DefaultConfig instead, so that what the file says stands.
func (c *Config) SetDefaults() {
	if c.Ports == nil {
		c.Ports = []string{"auto"}
	}
	if c.Addresses == nil {
		c.Addresses = []string{"0.0.0.0", "::"}
	}
	if c.Banners == nil {
		c.Banners = []string{"21=ftp", "23=telnet", "25=smtp", "2222=ssh", "2375=http", "3306=mysql", "8080=http", "9200=http"}
	}
	if c.RecordBytes == 0 {
		c.RecordBytes = 256
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 5 * time.Second
	}
	if c.MaxConns == 0 {
		c.MaxConns = 512
	}
	if c.MaxConnsPerSource == 0 {
		c.MaxConnsPerSource = 16
	}
	if c.UDPReplyRate == 0 {
		c.UDPReplyRate = 1
	}
	if c.RecheckInterval == 0 {
		c.RecheckInterval = time.Minute
	}
}

// Validate reports every problem at once, each naming the key (as written
// in the honeyport section) and the value.
func (c *Config) Validate() error {
	_, errs := c.compile()
	return errors.Join(errs...)
}

// plan is a Config compiled: what the decoys run by.
type plan struct {
	enabled      bool
	candidates   []Port // sorted, unique: the ports wanted, before the host's own sockets are taken out
	addrs        []netip.Addr
	banners      map[Port]*banner
	recordBytes  int
	readTimeout  time.Duration
	maxConns     int
	maxPerSource int
	udpReplyRate float64
	recheck      time.Duration
}

func (c *Config) compile() (*plan, []error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	p := &plan{
		enabled:      c.Enabled,
		banners:      map[Port]*banner{},
		recordBytes:  c.RecordBytes,
		readTimeout:  c.ReadTimeout,
		maxConns:     c.MaxConns,
		maxPerSource: c.MaxConnsPerSource,
		udpReplyRate: c.UDPReplyRate,
		recheck:      c.RecheckInterval,
	}

	var dark, excluded portSet
	for _, n := range c.DarkPorts {
		if n == 0 {
			bad("dark_ports: 0 is not a port")
		}
		dark.Add(tcp(n))
		dark.Add(udp(n))
	}
	for _, e := range c.ExcludePorts {
		ps, err := ParsePorts(e)
		if err != nil {
			bad("exclude_ports: %v", err)
		}
		for _, q := range ps {
			excluded.Add(q)
		}
	}
	seen := map[Port]bool{}
	for _, e := range c.Ports {
		explicit := true
		ps, err := []Port(nil), error(nil)
		if strings.EqualFold(strings.TrimSpace(e), "auto") {
			ps, explicit = curated, false
		} else if ps, err = ParsePorts(e); err != nil {
			bad("ports: %v", err)
			continue
		}
		for _, q := range ps {
			if dark.Has(q.Proto, q.Num) {
				// A dark port must stay dark: no listener, so that capture
				// sees the scanner's probe refused like any closed port.
				if explicit {
					bad("ports: %q is also in dark_ports; a port is either a decoy or dark", e)
				}
				continue
			}
			if excluded.Has(q.Proto, q.Num) || seen[q] {
				continue
			}
			seen[q] = true
			p.candidates = append(p.candidates, q)
		}
	}
	slices.SortFunc(p.candidates, func(a, b Port) int {
		return int(a.Proto)<<16 + int(a.Num) - (int(b.Proto)<<16 + int(b.Num))
	})
	if len(p.candidates) > maxDecoyPorts {
		bad("ports: %d ports, at most %d: each costs a socket per address", len(p.candidates), maxDecoyPorts)
	}

	for _, a := range c.Addresses {
		ip, err := netip.ParseAddr(strings.TrimSpace(a))
		if err != nil {
			bad("addresses: %q is not an IP address", a)
			continue
		}
		if ip.Zone() != "" {
			bad("addresses: %q: link-local addresses with a zone are not supported", a)
			continue
		}
		ip = ip.Unmap()
		if !slices.Contains(p.addrs, ip) {
			p.addrs = append(p.addrs, ip)
		}
	}
	if c.Enabled && len(c.Addresses) == 0 {
		bad("addresses must not be empty when enabled")
	}

	for _, item := range c.Banners {
		key, name, ok := strings.Cut(item, "=")
		if !ok {
			bad("banners: %q is not port=name, such as \"21=ftp\"", item)
			continue
		}
		ps, err := ParsePorts(key)
		if err != nil || len(ps) != 1 {
			bad("banners: %q: %q is not one port such as \"21\" or \"161/udp\"", item, key)
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "none" || name == "" {
			continue
		}
		b, ok := banners[name]
		if !ok {
			bad("banners: %q: %q is not one of %s", item, name, strings.Join(bannerNames(), ", "))
			continue
		}
		p.banners[ps[0]] = b
	}

	if c.RecordBytes < 1 || c.RecordBytes > MaxRecordBytes {
		bad("record_bytes must be between 1 and %d, got %d", MaxRecordBytes, c.RecordBytes)
	}
	if c.ReadTimeout <= 0 || c.ReadTimeout > maxReadTimeout {
		bad("read_timeout must be a positive duration of at most %s, got %s", maxReadTimeout, c.ReadTimeout)
	}
	if c.MaxConns < 1 || c.MaxConns > MaxMaxConns {
		bad("max_conns must be between 1 and %d, got %d", MaxMaxConns, c.MaxConns)
	}
	if c.MaxConnsPerSource < 1 || (c.MaxConns >= 1 && c.MaxConnsPerSource > c.MaxConns) {
		bad("max_conns_per_source must be between 1 and max_conns (%d), got %d", c.MaxConns, c.MaxConnsPerSource)
	}
	if c.UDPReplyRate < 0 || c.UDPReplyRate != c.UDPReplyRate {
		bad("udp_reply_rate must not be negative, got %g", c.UDPReplyRate)
	}
	if c.RecheckInterval < minRecheck {
		bad("recheck_interval must be at least %s, got %s", minRecheck, c.RecheckInterval)
	}
	return p, errs
}

// MemoryBytes estimates what the decoys take with max_conns connections
// open: a goroutine stack, socket buffers in the process and the bytes
// kept of each.
func (c *Config) MemoryBytes() uint64 {
	if !c.Enabled {
		return 0
	}
	conns := uint64(min(max(c.MaxConns, 0), MaxMaxConns))
	return conns * (16<<10 + uint64(min(max(c.RecordBytes, 0), MaxRecordBytes)))
}
