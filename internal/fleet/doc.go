// Package fleet correlates the evidence of several sensors: a scan spread
// over many taps and edge hosts stays under every single sensor's
// threshold, yet the merged evidence shows it.
//
// A sensor with fleet.enabled exports each weighed first contact (refused,
// weighed silent, a decoy, an odd probe left unanswered, accepted; see
// detect.EvidenceSink) to an Exporter. The Exporter sheds what exceeds
// max_rate records per second of packet time (a spoofed flood cannot make
// a sensor flood the bus; what is shed is counted), and batches the rest
// by partition into compact JSON documents for the subjects
// <prefix>.evidence.<sensor>.<partition>, which ride the sensor's spool
// to JetStream like its alerts, with a Nats-Msg-Id derived from their
// content so that a batch sent again is stored once.
//
// A partition is a hash of the source (an IPv6 source's /64) modulo the
// number of partitions: every sensor puts one source's evidence in the same
// partition, so the correlator instance that owns the partition sees all
// of it, and a source's state lives in one place. Instances owning
// disjoint partitions thus raise, between them, the alerts on single
// sources that one instance owning all would (scale_test.go checks it);
// patterns across sources (campaigns, distributed scans) each instance
// judges on its own share.
//
// The Correlator (portsnare correlate) consumes the partitions it owns
// through a durable JetStream consumer and replays the evidence into a
// detect engine with the sensors' thresholds, in evidence packet time. It
// raises fleet alerts (fleet-portscan, fleet-sweep, …) for sources seen by
// at least min_sensors sensors and not already alerted on by one of them,
// naming every sensor and target involved. Beside the engine, it follows
// campaigns: at least campaign_min_sources sources with one tool and one
// port set, each active within campaign_window of packet time, become one
// campaign alert naming them and counting them all (see campaign.go). The
// allowlist judges the engine's sources, and the campaigns' source by
// source: a campaign of authorized sources only is suppressed, one that
// mixes them names the authorized (see allowlist.go).
//
// Files, by job:
//
//	record.go     the evidence record and batch (the wire format)
//	partition.go  which partition a source's evidence goes to
//	limit.go      the packet-time rate limit
//	exporter.go   the sensor side: shed, batch, hand to the spool
//	config.go     the fleet and correlate sections, defaults, validation
//	correlate.go  the correlator: evidence in, fleet alerts out
//	sources.go    what the correlator knows of a source beyond the engine
//	campaign.go   many sources, one tool and port set: the campaign tracker
//	campaign_alert.go  a campaign as an alert
//	allowlist.go  the allowlist's verdict on a source and on a campaign
//	consume.go    the JetStream side of the correlator
//
// Tests beside the unit tests: scale_test.go (two instances sharing the
// partitions against one owning all, through an embedded server),
// flood_test.go (a line-rate flood's evidence stays within max_rate's
// bound), bench_test.go (records a second a correlator takes; evidence
// bytes under a flood).
package fleet
