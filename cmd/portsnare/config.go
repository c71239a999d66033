package main

import (
	"strings"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/sensor"
)

// Config is everything the commands read from the configuration. It is
// filled by loadConfig; the package detect knows nothing of viper or YAML.
type Config struct {
	Detect  detect.Config // detect.Config.Sensor is the key sensor.name
	Capture sensor.LiveConfig
	Metrics MetricsConfig
	Run     RunConfig
	Log     LogConfig
}

// MetricsConfig is the metrics section.
type MetricsConfig struct {
	Listen string // host:port of the Prometheus endpoint; empty turns it off
}

// RunConfig is the run section: how the live sensor runs as a process.
type RunConfig struct {
	User string // unprivileged user to switch to after opening sockets, when started as root
}

// LogConfig is the log section.
type LogConfig struct {
	Level  string // debug, info, warn, error
	Format string // text, json
}

// setting is one configuration key. The table below is the single source of
// the key names, their documentation, the fields they fill and, through
// defaultConfig, their defaults: the loader, the flags, the help text and the
// example file are all generated from it. To add a key: give its section's
// struct a field (detect.Config for the engine), add a line here, and
// regenerate the example file with go test -run TestExampleConfig -update.
type setting struct {
	key string // section.name, as in the YAML file
	doc string // one line, for the example file and flag usage
	// field points into c at the field the key fills: *string, *int,
	// *float64, *time.Duration, *bool, *[]string or *[]uint16.
	field func(c *Config) any
}

// section documents a top-level key of the file.
type section struct {
	name, doc string
}

var sections = []section{
	{"sensor", "This sensor's identity."},
	{"detect", "The scan-detection engine: state limits, timeouts and thresholds. Counts are per source unless said otherwise."},
	{"capture", "Live capture (portsnare run): interfaces and the AF_PACKET rings."},
	{"metrics", "Prometheus metrics and health endpoint of portsnare run."},
	{"run", "How portsnare run runs as a process."},
	{"log", "Diagnostics on standard error (alerts never go to the log)."},
}

var settings = []setting{
	{"sensor.name", "Name of this sensor in alerts (observer.hostname) and NATS subjects; empty means the host name.",
		func(c *Config) any { return &c.Detect.Sensor }},

	{"detect.max_sources", "Most sources tracked at once; bounds memory.",
		func(c *Config) any { return &c.Detect.MaxSources }},
	{"detect.shards", "Source state is split into this many shards so that locks and LRU lists stay short.",
		func(c *Config) any { return &c.Detect.Shards }},
	{"detect.recent_fraction", "Share of max_sources for sources seen once, so a flood of spoofed sources cannot evict a scanner.",
		func(c *Config) any { return &c.Detect.RecentFraction }},
	{"detect.contact_table_size", "First contacts remembered while they await their answer; rounded up to a power of two.",
		func(c *Config) any { return &c.Detect.ContactTableSize }},
	{"detect.idle_timeout", "Packet time without a probe after which a source's state is dropped; long, so slow scans are caught.",
		func(c *Config) any { return &c.Detect.IdleTimeout }},
	{"detect.end_after", "Packet time without a probe after which an alerted episode ends with its summary; at most idle_timeout.",
		func(c *Config) any { return &c.Detect.EndAfter }},
	{"detect.reply_timeout", "How long a first contact waits for an answer before it counts as failed.",
		func(c *Config) any { return &c.Detect.ReplyTimeout }},
	{"detect.decoy_window", "How close in time probes from different sources must be to count as lock-step.",
		func(c *Config) any { return &c.Detect.DecoyWindow }},
	{"detect.failed_contacts", "Failed first contacts, net of successful ones, that flag a scanner (Threshold Random Walk).",
		func(c *Config) any { return &c.Detect.FailedContacts }},
	{"detect.success_credit", "Successful first contacts a busy client can bank against later failures.",
		func(c *Config) any { return &c.Detect.SuccessCredit }},
	{"detect.vertical_ports", "Ports probed on one host that make a vertical port scan.",
		func(c *Config) any { return &c.Detect.VerticalPorts }},
	{"detect.horizontal_hosts", "Hosts probed on one port that make a horizontal sweep.",
		func(c *Config) any { return &c.Detect.HorizontalHosts }},
	{"detect.block_contacts", "Distinct (host, port) pairs over several hosts and ports that make a block scan.",
		func(c *Config) any { return &c.Detect.BlockContacts }},
	{"detect.ping_hosts", "Hosts sent ICMP echo, timestamp or address-mask requests that make a ping sweep.",
		func(c *Config) any { return &c.Detect.PingHosts }},
	{"detect.ip_protocols", "IP protocols probed on one host that make an IP-protocol scan.",
		func(c *Config) any { return &c.Detect.IPProtocols }},
	{"detect.decoy_min_sources", "Sources probing in lock-step that make a decoy scan (nmap -D).",
		func(c *Config) any { return &c.Detect.DecoyMinSources }},
	{"detect.decoy_min_probes", "Lock-step probes needed before a decoy scan is raised.",
		func(c *Config) any { return &c.Detect.DecoyMinProbes }},
	{"detect.distributed_sources", "Sources, each failing on one target, that together make a distributed scan.",
		func(c *Config) any { return &c.Detect.DistributedSources }},
	{"detect.distributed_ports", "Ports of one target, probed in total by those sources, that make a distributed scan.",
		func(c *Config) any { return &c.Detect.DistributedPorts }},
	{"detect.update_factor", "An update alert is raised each time an episode's breadth grows by this factor.",
		func(c *Config) any { return &c.Detect.UpdateFactor }},
	{"detect.samples", "Ports and hosts listed as samples in an alert.",
		func(c *Config) any { return &c.Detect.Samples }},

	{"capture.interfaces", "Interfaces to capture on; empty means the interface of the default route.",
		func(c *Config) any { return &c.Capture.Interfaces }},
	{"capture.sockets", "AF_PACKET sockets per interface in one fanout group, each read and decoded by its own goroutine; 0 means one per CPU, at most 4.",
		func(c *Config) any { return &c.Capture.Sockets }},
	{"capture.snaplen", "Bytes kept of each packet: headers are all detection reads.",
		func(c *Config) any { return &c.Capture.SnapLen }},
	{"capture.block_size", "Bytes per block of each socket's TPACKET_V3 ring (a power of two).",
		func(c *Config) any { return &c.Capture.BlockSize }},
	{"capture.num_blocks", "Blocks per ring: block_size x num_blocks of kernel memory per socket.",
		func(c *Config) any { return &c.Capture.NumBlocks }},
	{"capture.promiscuous", "Put the interfaces in promiscuous mode (a tap or span port; needs CAP_NET_ADMIN).",
		func(c *Config) any { return &c.Capture.Promiscuous }},

	{"metrics.listen", "Address of the Prometheus /metrics and /healthz endpoint; empty turns it off.",
		func(c *Config) any { return &c.Metrics.Listen }},

	{"run.user", "When started as root, switch to this user once the sockets are open; empty keeps the user.",
		func(c *Config) any { return &c.Run.User }},

	{"log.level", "Least severe log messages written: debug, info, warn or error.",
		func(c *Config) any { return &c.Log.Level }},
	{"log.format", "Log format: text (key=value) or json.",
		func(c *Config) any { return &c.Log.Format }},
}

// defaultConfig returns the defaults. The detection defaults come from
// detect.DefaultConfig and are never repeated here.
func defaultConfig() Config {
	d := detect.DefaultConfig()
	// Empty means "the host name", resolved by loadConfig, so that the
	// defaults (and the example file generated from them) do not depend on
	// the machine.
	d.Sensor = ""
	return Config{
		Detect:  d,
		Capture: sensor.LiveConfig{SnapLen: 192, BlockSize: 1 << 20, NumBlocks: 32},
		Metrics: MetricsConfig{Listen: "127.0.0.1:9477"},
		Log:     LogConfig{Level: "info", Format: "text"},
	}
}

// lookupSetting returns the setting for key.
func lookupSetting(key string) (setting, bool) {
	for _, s := range settings {
		if s.key == key {
			return s, true
		}
	}
	return setting{}, false
}

// envPrefix starts every environment variable that sets a key.
const envPrefix = "PORTSNARE_"

// envName is the environment variable for key: detect.vertical_ports is
// PORTSNARE_DETECT_VERTICAL_PORTS.
func envName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}
