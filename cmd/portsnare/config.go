package main

import (
	"strings"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/honeyport"
	"github.com/portsnare/portsnare/internal/block"
	"github.com/portsnare/portsnare/internal/fleet"
	"github.com/portsnare/portsnare/internal/netset"
	"github.com/portsnare/portsnare/internal/render"
	"github.com/portsnare/portsnare/sensor"
	"github.com/portsnare/portsnare/sensor/publish"
)

// Config is everything the commands read from the configuration. It is
// filled by loadConfig; the package detect knows nothing of viper or YAML.
type Config struct {
	Detect    detect.Config // detect.Config.Sensor is the key sensor.name
	Allowlist allowlist.Config
	Capture   sensor.LiveConfig
	Honeyport honeyport.Config
	Metrics   MetricsConfig
	NATS      publish.Config
	Fleet     fleet.Config
	Correlate fleet.CorrelateConfig
	Run       RunConfig
	Output    OutputConfig
	Network   NetworkConfig
	Enrich    EnrichConfig
	Block     block.Config
	Log       LogConfig
}

// NetworkConfig is the network section: what the sensor knows of the
// networks it watches.
type NetworkConfig struct {
	Internal []string // CIDRs of the organisation's own networks
}

// format is the validated output format (ECS until validated).
func (c *Config) format() render.Format {
	f, err := render.ParseFormat(c.Output.Format)
	if err != nil {
		return render.ECS
	}
	return f
}

// OutputConfig is the output section: the schema of the documents written
// to standard output and published to NATS.
type OutputConfig struct {
	Format string // ecs or ocsf
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
	// *float64, *time.Duration, *bool, *[]string, *[]uint16 or
	// *[]allowlist.Rule.
	field func(c *Config) any
}

// section documents a top-level key of the file.
type section struct {
	name, doc string
}

var sections = []section{
	{"sensor", "This sensor's identity."},
	{"detect", "The scan-detection engine: state limits, timeouts and thresholds. Counts are per source unless said otherwise."},
	{"allowlist", allowlistDoc},
	{"capture", "Live capture (portsnare run): interfaces and the AF_PACKET rings."},
	{"honeyport", "Decoy listeners (portsnare run) on ports nothing serves: any contact is a touch. Ports any other socket holds are never taken."},
	{"metrics", "Prometheus metrics and health endpoint of portsnare run."},
	{"nats", "Alerts published to NATS JetStream (portsnare run, replay --nats) and read back (portsnare alerts): servers, stream, credentials, the on-disk spool that keeps alerts through outages, and the embedded server used when no URL is set."},
	{"fleet", "Fleet correlation, sensor side: evidence for portsnare correlate (failed and odd first contacts) published to PREFIX.evidence.SENSOR.PARTITION in its own JetStream stream, through a spool of its own next to nats.spool_dir."},
	{"correlate", "portsnare correlate: the fleet correlator, which merges the sensors' evidence and raises fleet alerts (PREFIX.alert.fleet.ACTION); the nats keys say where the streams are."},
	{"run", "How portsnare run runs as a process."},
	{"output", "The documents portsnare writes to standard output and publishes to NATS."},
	{"network", "The networks this sensor watches, as the organisation sees them."},
	{"enrich", "Context added to every alert before it is written or published (portsnare run and replay): where its source is and who routes it (GeoIP and ASN from MaxMind-format databases such as GeoLite2), and the known-scanner lists it is on. portsnare run reloads the files when they change and on SIGHUP; a bad new file is rejected and the one in force kept."},
	{"block", "portsnare block: sources of alerts kept in nftables sets, each for a while, so that scanners are dropped. Never blocked: allowlisted (suppressed) sources, dark-port touches (spoofable), network.internal unless block.internal, this host's addresses, block.never."},
	{"log", "Diagnostics on standard error (alerts never go to the log)."},
}

var settings = []setting{
	{"sensor.name", "Name of this sensor in alerts (observer.hostname) and NATS subjects; empty means the host name.",
		func(c *Config) any { return &c.Detect.Sensor }},

	{"detect.max_sources", "Most sources tracked at once; bounds memory.",
		func(c *Config) any { return &c.Detect.MaxSources }},
	{"detect.shards", "Source state is split into this many shards so that locks and LRU lists stay short.",
		func(c *Config) any { return &c.Detect.Shards }},
	{"detect.recent_fraction", "Share of max_sources for sources tracked on one contact (a decoy touch, an odd probe, an answer seen alone) until their next, so a flood of them cannot evict a scanner; sources seen once otherwise take no tracked state at all.",
		func(c *Config) any { return &c.Detect.RecentFraction }},
	{"detect.contact_table_size", "First contacts remembered while they await their answer; rounded up to a power of two.",
		func(c *Config) any { return &c.Detect.ContactTableSize }},
	{"detect.idle_timeout", "Packet time without a probe after which a source's state is dropped; long, so slow scans are caught.",
		func(c *Config) any { return &c.Detect.IdleTimeout }},
	{"detect.end_after", "Packet time without a probe after which an alerted episode ends with its summary; at most idle_timeout.",
		func(c *Config) any { return &c.Detect.EndAfter }},
	{"detect.reply_timeout", "How long a first contact waits for an answer before it counts as unanswered (a failure for SYNs from a source that gets answers).",
		func(c *Config) any { return &c.Detect.ReplyTimeout }},
	{"detect.decoy_window", "How close in time probes from different sources must be to count as lock-step; with several capture sockets, also how long a verdict waits for co-senders whose packets another socket may still hold.",
		func(c *Config) any { return &c.Detect.DecoyWindow }},
	{"detect.failed_contacts", "Failed first contacts, net of successful ones, that flag a scanner whose answers are visible (Threshold Random Walk).",
		func(c *Config) any { return &c.Detect.FailedContacts }},
	{"detect.success_credit", "Successful first contacts a busy client can bank against later failures.",
		func(c *Config) any { return &c.Detect.SuccessCredit }},
	{"detect.vertical_ports", "Ports probed on one host that make a vertical port scan where too few answers are visible for outcomes to decide.",
		func(c *Config) any { return &c.Detect.VerticalPorts }},
	{"detect.horizontal_hosts", "Hosts probed on one port that make a horizontal sweep where no answers are visible.",
		func(c *Config) any { return &c.Detect.HorizontalHosts }},
	{"detect.block_contacts", "Distinct (host, port) pairs over several hosts and ports that make a block scan where too few answers are visible.",
		func(c *Config) any { return &c.Detect.BlockContacts }},
	{"detect.ping_hosts", "Hosts pinged (most of them dead), or addresses asked for by ARP/NDP and never used, that make a ping sweep.",
		func(c *Config) any { return &c.Detect.PingHosts }},
	{"detect.ip_protocols", "IP protocols probed on one host that make an IP-protocol scan.",
		func(c *Config) any { return &c.Detect.IPProtocols }},
	{"detect.decoy_min_sources", "Sources probing in lock-step that make a decoy scan (nmap -D).",
		func(c *Config) any { return &c.Detect.DecoyMinSources }},
	{"detect.decoy_min_probes", "Lock-step probes needed before a decoy scan is raised.",
		func(c *Config) any { return &c.Detect.DecoyMinProbes }},
	{"detect.distributed_sources", "Sources refused on one target within distributed_window, each taking a share of its ports, that make a distributed scan.",
		func(c *Config) any { return &c.Detect.DistributedSources }},
	{"detect.distributed_ports", "Ports of one target those sources were refused on together that make a distributed scan.",
		func(c *Config) any { return &c.Detect.DistributedPorts }},
	{"detect.distributed_window", "How close in time the sources of a distributed scan must fail on their target.",
		func(c *Config) any { return &c.Detect.DistributedWindow }},
	{"detect.burst_window", "Span within which odd probes and neighbour (ARP/NDP) discovery must gather to flag a source.",
		func(c *Config) any { return &c.Detect.BurstWindow }},
	{"detect.odd_probes", "Probes no operating system sends (NULL, FIN, Xmas, odd flags) within burst_window that flag a source.",
		func(c *Config) any { return &c.Detect.OddProbes }},
	{"detect.os_probes", "nmap OS-detection probes (recognised by their TCP options) that flag OS fingerprinting.",
		func(c *Config) any { return &c.Detect.OSProbes }},
	{"detect.ipv6_prefix_len", "IPv6 sources are tracked per prefix of this length (64: a scanner rotating addresses in its /64 is one source; 128: per address).",
		func(c *Config) any { return &c.Detect.IPv6PrefixLen }},
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

	{"honeyport.enabled", "Open the decoys; off by default, since they listen on ports of this host.",
		func(c *Config) any { return &c.Honeyport.Enabled }},
	{"honeyport.ports", "Decoy ports: auto (commonly probed services this host does not serve), 23 (TCP), 23/tcp, udp/161, 8000-8010/tcp, tcp/22,80,443, in any mix; TCP and UDP only.",
		func(c *Config) any { return &c.Honeyport.Ports }},
	{"honeyport.exclude_ports", "Ports never taken, same syntax: services this host will run later, which a decoy would keep from binding.",
		func(c *Config) any { return &c.Honeyport.ExcludePorts }},
	{"honeyport.addresses", "Addresses the decoys listen on (:: is IPv6 only); ports below 1024 need CAP_NET_BIND_SERVICE.",
		func(c *Config) any { return &c.Honeyport.Addresses }},
	{"honeyport.banners", "Greetings as port=name (161/udp=name for UDP); names: ssh, http, smtp, ftp, mysql, telnet, none.",
		func(c *Config) any { return &c.Honeyport.Banners }},
	{"honeyport.record_bytes", "First bytes a client sends that are kept in the touch (at most 4096).",
		func(c *Config) any { return &c.Honeyport.RecordBytes }},
	{"honeyport.read_timeout", "Longest life of a decoy connection: greeting, recording and reply (at most 1m).",
		func(c *Config) any { return &c.Honeyport.ReadTimeout }},
	{"honeyport.max_conns", "Concurrent decoy connections; over it a connection is reset at once but still a touch.",
		func(c *Config) any { return &c.Honeyport.MaxConns }},
	{"honeyport.max_conns_per_source", "Concurrent decoy connections per IPv4 address or IPv6 /64.",
		func(c *Config) any { return &c.Honeyport.MaxConnsPerSource }},
	{"honeyport.udp_reply_rate", "Replies per second a source gets from UDP decoys with a banner, never larger than the request; 0 never replies.",
		func(c *Config) any { return &c.Honeyport.UDPReplyRate }},
	{"honeyport.recheck_interval", "How often the ports in use on the host are read again, to yield ports to services and retry failed binds.",
		func(c *Config) any { return &c.Honeyport.RecheckInterval }},
	{"honeyport.dark_ports", "Ports (TCP and UDP) watched by capture alone, with no listener: a probe to one is a touch (spoofable).",
		func(c *Config) any { return &c.Honeyport.DarkPorts }},

	{"metrics.listen", "Address of the Prometheus /metrics and /healthz endpoint; empty turns it off.",
		func(c *Config) any { return &c.Metrics.Listen }},

	{"nats.urls", "NATS servers alerts are published to and read from (nats://host:4222, tls://host:4222; several for a cluster); empty runs an embedded server.",
		func(c *Config) any { return &c.NATS.URLs }},
	{"nats.subject_prefix", "First tokens of the subjects: alerts go to PREFIX.alert.SENSOR.ACTION, allowlisted ones to PREFIX.suppressed.SENSOR.ACTION.",
		func(c *Config) any { return &c.NATS.SubjectPrefix }},
	{"nats.stream", "JetStream stream of the alerts, created with the limits below when missing (an existing stream keeps its own limits).",
		func(c *Config) any { return &c.NATS.Stream }},
	{"nats.max_age", "Age after which the stream discards an alert.",
		func(c *Config) any { return &c.NATS.MaxAge }},
	{"nats.max_bytes", "Bytes of alerts the stream keeps; beyond, the oldest are discarded.",
		func(c *Config) any { return &c.NATS.MaxBytes }},
	{"nats.replicas", "Copies of the stream in a JetStream cluster, 1 to 5.",
		func(c *Config) any { return &c.NATS.Replicas }},
	{"nats.duplicate_window", "How long the stream remembers event ids, so that an alert sent again after a lost acknowledgement is stored once.",
		func(c *Config) any { return &c.NATS.DuplicateWindow }},
	{"nats.publish_timeout", "How long to wait for JetStream to acknowledge alerts before sending them again.",
		func(c *Config) any { return &c.NATS.PublishTimeout }},
	{"nats.flush_timeout", "At shutdown and at the end of replay --nats, how long to keep publishing what is spooled; the rest waits in the spool for the next run.",
		func(c *Config) any { return &c.NATS.FlushTimeout }},
	{"nats.spool_dir", "Directory where alerts wait for NATS, kept across restarts; empty means spool/ in the state directory (/var/lib/portsnare as root, else $XDG_STATE_HOME/portsnare or ~/.local/state/portsnare).",
		func(c *Config) any { return &c.NATS.SpoolDir }},
	{"nats.spool_max_bytes", "Bytes the spool may hold during an outage; when full, the oldest start and update alerts are dropped (counted and logged) and episode summaries kept.",
		func(c *Config) any { return &c.NATS.SpoolMaxBytes }},
	{"nats.tls_ca", "CA certificates (PEM file) that verify the servers, instead of the system's.",
		func(c *Config) any { return &c.NATS.TLSCA }},
	{"nats.tls_cert", "Client certificate (PEM file) for servers that verify clients; goes with tls_key.",
		func(c *Config) any { return &c.NATS.TLSCert }},
	{"nats.tls_key", "Private key (PEM file) of tls_cert.",
		func(c *Config) any { return &c.NATS.TLSKey }},
	{"nats.creds_file", "Credentials file (user JWT and nkey seed, as nsc makes them) to authenticate with.",
		func(c *Config) any { return &c.NATS.CredsFile }},
	{"nats.nkey_file", "Nkey seed file to authenticate with.",
		func(c *Config) any { return &c.NATS.NkeyFile }},
	{"nats.token", "Token to authenticate with; the embedded server then requires it too.",
		func(c *Config) any { return &c.NATS.Token }},
	{"nats.user", "User to authenticate as, with password; the embedded server then requires them too.",
		func(c *Config) any { return &c.NATS.User }},
	{"nats.password", "Password of user.",
		func(c *Config) any { return &c.NATS.Password }},
	{"nats.listen", "Address where the embedded server accepts clients (portsnare alerts, SIEM forwarders); 0.0.0.0:4222 opens it to the network.",
		func(c *Config) any { return &c.NATS.Listen }},
	{"nats.data_dir", "Directory of the embedded server's JetStream store; empty means nats/ in the state directory (see spool_dir).",
		func(c *Config) any { return &c.NATS.DataDir }},

	{"fleet.enabled", "Publish evidence for portsnare correlate; off by default.",
		func(c *Config) any { return &c.Fleet.Enabled }},
	{"fleet.stream", "JetStream stream of the evidence, created with the limits below when missing.",
		func(c *Config) any { return &c.Fleet.Stream }},
	{"fleet.partitions", "Partitions the evidence is split into by source (an IPv6 source by /64); every sensor and correlator must agree. 1 to 256.",
		func(c *Config) any { return &c.Fleet.Partitions }},
	{"fleet.max_rate", "Most evidence records per second of packet time, of which accepted contacts take at most a quarter; the rest is shed and counted, so a spoofed flood cannot flood the bus.",
		func(c *Config) any { return &c.Fleet.MaxRate }},
	{"fleet.batch_interval", "Evidence is sent in batches spanning at most this much packet time (or wall time on a quiet sensor).",
		func(c *Config) any { return &c.Fleet.BatchInterval }},
	{"fleet.max_age", "Age after which the evidence stream discards a batch.",
		func(c *Config) any { return &c.Fleet.MaxAge }},
	{"fleet.max_bytes", "Bytes of evidence the stream keeps; beyond, the oldest are discarded.",
		func(c *Config) any { return &c.Fleet.MaxBytes }},
	{"fleet.replicas", "Copies of the evidence stream in a JetStream cluster, 1 to 5.",
		func(c *Config) any { return &c.Fleet.Replicas }},

	{"correlate.name", "Name of this correlator in fleet alerts (observer.hostname); empty means the host name.",
		func(c *Config) any { return &c.Correlate.Name }},
	{"correlate.partitions", "Evidence partitions this instance owns, such as 0-7 or 0,2,4; empty means all. Instances sharing the work own disjoint partitions.",
		func(c *Config) any { return &c.Correlate.Partitions }},
	{"correlate.consumer", "Durable JetStream consumer this instance resumes from after a restart; empty means correlate-NAME.",
		func(c *Config) any { return &c.Correlate.Consumer }},
	{"correlate.min_sensors", "Sensors that must have seen a source before a fleet alert is raised; a source one sensor alone saw is that sensor's to report.",
		func(c *Config) any { return &c.Correlate.MinSensors }},
	{"correlate.campaign_min_sources", "Sources sharing one tool and one port set within correlate.campaign_window that make a campaign alert; 0 turns campaigns off.",
		func(c *Config) any { return &c.Correlate.CampaignMinSources }},
	{"correlate.campaign_window", "Packet time within which a campaign's sources must each have been active; a campaign no source feeds for this long ends.",
		func(c *Config) any { return &c.Correlate.CampaignWindow }},

	{"run.user", "When started as root, switch to this user once the sockets are open; empty keeps the user.",
		func(c *Config) any { return &c.Run.User }},

	{"allowlist.rules", "Rules given here, in the syntax above; in order, they come before the file's.",
		func(c *Config) any { return &c.Allowlist.Rules }},
	{"allowlist.file", "YAML file of more rules, under \"rules:\" (portsnare run reloads it when it changes and on SIGHUP); empty means none.",
		func(c *Config) any { return &c.Allowlist.File }},

	{"output.format", "Schema of the alerts on standard output and in NATS: ecs (Elastic Common Schema) or ocsf (OCSF 1.4 Detection Finding, class 2004).",
		func(c *Config) any { return &c.Output.Format }},

	{"network.internal", "CIDRs of the organisation's own networks (addresses alone are /32 or /128): alerts get network.direction from them, and the ATT&CK technique of a source outside them (T1595, active scanning) or inside (T1046, T1018); portsnare block leaves their sources alone unless block.internal. Empty: nothing is internal.",
		func(c *Config) any { return &c.Network.Internal }},

	{"enrich.geoip_city", "MaxMind-format city or country database (GeoLite2-City.mmdb) that fills source.geo; empty means none.",
		func(c *Config) any { return &c.Enrich.GeoIPCity }},
	{"enrich.geoip_asn", "MaxMind-format ASN database (GeoLite2-ASN.mmdb) that fills source.as; empty means none.",
		func(c *Config) any { return &c.Enrich.GeoIPASN }},
	{"enrich.scanner_lists", "Files of known scanners, one \"CIDR [NAME]\" a line (no name: the file's base name): a source on one is tagged portsnare.scanner_list, never suppressed.",
		func(c *Config) any { return &c.Enrich.ScannerLists }},

	{"block.timeout", "How long a source stays blocked after the alert that blocked it (its @timestamp); a later alert of its episode extends it.",
		func(c *Config) any { return &c.Block.Timeout }},
	{"block.max_elements", "Most sources blocked at once, IPv4 and IPv6 together (at most 1048576); beyond it new sources are not blocked, and counted.",
		func(c *Config) any { return &c.Block.MaxElements }},
	{"block.never", "Addresses and CIDRs never blocked, whatever their alerts say (gateways, partners, monitoring).",
		func(c *Config) any { return &c.Block.Never }},
	{"block.internal", "Also block sources inside network.internal.",
		func(c *Config) any { return &c.Block.Internal }},
	{"block.create_rule", "Make a chain (prerouting, priority raw) with one drop rule per set; off: only fill the sets, for rules of your own.",
		func(c *Config) any { return &c.Block.CreateRule }},
	{"block.table", "nftables table (family inet) of the sets and the chain; made when missing.",
		func(c *Config) any { return &c.Block.Table }},
	{"block.set_v4", "Set of blocked IPv4 sources (type ipv4_addr, flags timeout).",
		func(c *Config) any { return &c.Block.SetV4 }},
	{"block.set_v6", "Set of blocked IPv6 sources (type ipv6_addr, flags timeout).",
		func(c *Config) any { return &c.Block.SetV6 }},
	{"block.chain", "Chain of the drop rules, with block.create_rule.",
		func(c *Config) any { return &c.Block.Chain }},
	{"block.actions", "event.action values whose start and update alerts block their source; episode ends, reports and authorized-scan-missing never do.",
		func(c *Config) any { return &c.Block.Actions }},
	{"block.consumer", "Name of the durable JetStream consumer; give each blocking host its own.",
		func(c *Config) any { return &c.Block.Consumer }},
	{"block.metrics_listen", "Address of portsnare block's Prometheus /metrics and /healthz; empty turns it off.",
		func(c *Config) any { return &c.Block.MetricsListen }},

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
		Detect:    d,
		Capture:   sensor.LiveConfig{SnapLen: 192, BlockSize: 1 << 20, NumBlocks: 32},
		Honeyport: honeyport.DefaultConfig(),
		Metrics:   MetricsConfig{Listen: "127.0.0.1:9477"},
		NATS:      publish.DefaultConfig(),
		Fleet:     fleet.DefaultConfig(),
		Correlate: fleet.DefaultCorrelateConfig(),
		Output:    OutputConfig{Format: string(render.ECS)},
		Network:   NetworkConfig{Internal: netset.DefaultInternal()},
		Block:     block.DefaultConfig(),
		Log:       LogConfig{Level: "info", Format: "text"},
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

// allowlistDoc documents the allowlist section, with the rule syntax, since
// a rule is more than one line can say.
const allowlistDoc = `Authorized scanners (vulnerability scanners, asset inventories). Their scans are
detected like any other and published as suppressed, naming the rule, never dropped;
a probe outside the rule's targets, ports or schedule makes a normal alert naming it.
A rule (all but name and sources optional; times are packet times):
  - name: nessus                      # unique; in alerts, logs and metrics
    sources: [10.0.0.5, 10.9.0.0/24, "2001:db8::/64"]
    targets: [10.1.0.0/16]            # default any
    ports: [tcp/1-1024, 53/udp, icmp] # PROTO[/PORTS] or PORTS/PROTO: tcp, udp, sctp; icmp[/TYPES]; icmpv6; ip/N; any
    schedule:                         # default always
      timezone: Europe/Berlin         # IANA name; default UTC
      weekly: ["Tue 02:00-05:00", "Mon-Fri 22:00-06:00"]  # an end before the start: next day
      from: 2026-11-01                # a date alone is that day's start,
      until: 2026-12-31               # and as until its end
    expires: 2027-01-01               # then nothing is in scope: normal alerts name the rule
    comment: weekly PCI scan, SEC-1234`
