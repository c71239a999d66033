// Package allowlist holds the rules for authorized scanners — vulnerability
// scanners, asset inventories — and implements detect.Policy with them.
//
// Authorized scans are not ignored. The engine detects them exactly like any
// other and publishes their alerts marked suppressed, naming the rule, so an
// operator gets no pager noise and still has proof that the scan ran, what
// it covered, and that it stayed in its lane. A probe outside the covering
// rule's targets, ports, protocols or schedule makes the episode a normal
// alert that names the rule it exceeded.
//
// Rules, in YAML: under allowlist.rules in the main configuration, or under
// rules: in the file given by allowlist.file.
//
//	rules:
//	  - name: nessus                       # required, unique: in alerts, logs, metrics
//	    comment: weekly PCI scan, SEC-1234 # optional, for people
//	    sources: [10.0.0.5, 10.9.0.0/24, "2001:db8::/64"] # required: IPs, CIDRs
//	    targets: [10.1.0.0/16]             # optional; default any target
//	    ports: [tcp/1-1024, udp/53, icmp]  # optional; default any protocol, port
//	    schedule:                          # optional; default always
//	      timezone: Europe/Berlin          # IANA name; default UTC
//	      weekly: ["Tue 02:00-05:00", "Sat-Sun 22:00-06:00"]
//	      from: 2026-11-01                 # a date alone is the start of the day,
//	      until: 2026-12-31                # and as until its end
//	    expires: 2027-01-01                # optional; then nothing is in scope
//
// Ports are specs of internal/portspec, the grammar honeyport.ports uses
// too: PROTOCOL, PROTOCOL/PORTS or PORTS/PROTOCOL. tcp, udp, sctp take
// ports, ranges and lists ("tcp/22,80,8000-8100", "22,80/tcp"); icmp (IPv4
// and IPv6) and icmpv6 take ICMP types ("icmp/8" is echo requests); ip/N is
// IP protocol N (nmap -sO); any. A rule names the protocol: "53" alone is
// refused, where a decoy would read it as TCP. Weekly windows are DAYS HH:MM-HH:MM in the schedule's time zone, with
// DAYS a day, a range or a comma list (Mon-Fri, Sat,Sun, daily); an end not
// after the start runs past midnight into the next day. Windows are wall
// clock: across a DST change "02:00-04:00" lasts one or three hours.
//
// ARP requests are held to the schedule and expiry only: every IP packet to
// a neighbour or the gateway needs one, so targets and ports, which are
// about IP, would make any authorized scan on a link exceed its rule.
//
// Time is the probe's packet time, never the clock, so a replay judges as
// the live run did. Times without an offset are in the schedule's zone;
// in the main configuration, whose YAML reader types scalars, quote one
// written with seconds ("2026-11-01 02:00:00"), or it is taken for UTC; the
// rules file keeps every value as written. An expired
// rule is still loaded, and logged as expired: its sources stay known, and
// their scans raise normal alerts naming it.
//
// When several rules cover a source, a probe within the scope of any of
// them is in scope, attributed to the first such rule in file order; a
// probe within none is charged to the first rule covering the source.
//
// Authorized scans are also verified. NewCoverage wraps a List as one
// engine's policy that accounts, per rule, for what its sources probed —
// hosts and ports in scope, targets reached of the rule's targets, probes
// out of scope — and reports it through detect.Auditor when each scheduled
// window closes (a window without a probe is missed) or when an
// unscheduled rule's scan ends; see Coverage.
//
// Rules are validated all at once (every problem names the rule, the field
// and the bad value), then compiled into prefix tables and swapped in
// atomically, so Authorize takes no lock and allocates nothing. A List
// reloads its file when it changes (fsnotify on the directory, so editors'
// atomic renames are seen, plus a periodic stat for what events miss) and
// on Reload, which the run command calls on SIGHUP; an invalid edit is
// rejected with its reasons and the rules in force stay.
package allowlist
