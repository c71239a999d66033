// Package detect is portsnare's scan-detection engine.
//
// It consumes decoded packet summaries — Probes (first contacts: TCP SYN, FIN,
// NULL, Xmas, bare ACK and other odd flag sets, UDP datagrams that are not
// replies, ICMP echo/timestamp/address-mask requests, SCTP INIT, other IP
// protocols, ARP requests and IPv6 neighbour solicitations) and Replies
// (SYN-ACK, RST, ICMP errors quoting a probe, answers to UDP and ICMP
// requests, neighbour answers) — and decoy Touches, and produces Alerts.
//
// The engine keeps a bounded, scan-resistant memory per source (an IPv6
// source per /64) and a fixed-size table of first contacts, and weighs
// evidence, strongest first: probes no operating system sends; outcomes
// where answers are visible (Threshold Random Walk: Jung, Paxson, Berger,
// Balakrishnan 2004 — a refused or silent first contact moves a source
// towards "scanner", an accepted one away, for contacts whose failures map a
// host's ports or a port's hosts); breadth only where answers are not
// visible; pings that find dead hosts; neighbour asks never followed by
// traffic. How a stack retransmits is never evidence.
//
// Files, by job:
//
//	engine.go     Engine, New, Tick, Flush, Stats
//	clock.go      packet time (ptime, ns) and table time (tsecs), and their conversions
//	probe.go      Probe, Reply, techniques and fingerprint marks (the input)
//	observe.go    the probe path: what is a probe, its source, new and repeated contacts
//	outcome.go    the reply path: outcomes, and probes inferred from answers alone
//	defer.go      answers whose probe has not been seen wait before standing for it
//	orphanmark.go which keys may have an outcome waiting, without a table read
//	contact.go    contact states, families and the keys of contact and flow records
//	transition.go every change of a contact's state, and the counters that follow it
//	wait.go       contacts awaiting their answer, judged when their timeout passes
//	neighbour.go  ARP/NDP: discovery judged by use, refreshes by re-asks
//	odd.go        probes no stack sends, nmap -O, challenge ACKs
//	prefix.go     IPv6 sources tracked per prefix
//	verdict.go    judge: what a source's evidence amounts to; holds
//	episode.go    the alert lifecycle (start, update, end) and emit, the one way out
//	alertdoc.go   building a scan episode's alert: shared fields, message, what it found
//	alert.go      the alert document (ECS names); actions, phases, end reasons
//	lockstep.go   decoy scans (nmap -D)
//	targets.go    distributed scans
//	honeyport.go  decoy touches and their episodes; touch.go the Touch input
//	dark.go       dark ports and decoy ports seen by capture
//	tool.go       tool fingerprints (evidence only)
//	policy.go     the allowlist hook (suppressed, never ignored)
//	evidence.go   what a fleet correlator is told of failed, odd and accepted first contacts
//	audit.go      the allowlist's verification: coverage reports, missed windows
//	config.go     Config, its defaults, bounds and memory estimate
//	lone.go       sources seen once: their first probe kept in a fixed table, not tracked
//	sources.go    the segmented LRU of sources; source.go the per-source record
//	detail.go     what only alerts describe (samples, order, episode), allocated when needed
//	table.go      the fixed-size table of small records; hash.go its keys
//	prefetch.go   the buckets a packet will read, fetched a few packets ahead (internal/prefetch)
//
// Time inside the engine is packet time. The package imports nothing of
// capture, NATS or configuration libraries, so the same engine serves live
// capture and replay; a test enforces this. The same input gives the same
// output, byte for byte.
package detect
