package main

const allowlistLong = `allowlist holds the commands about authorized scanners: the rules under
allowlist.rules and in allowlist.file, whose scans portsnare detects and
publishes marked suppressed, never drops, and verifies window by window.

COMMANDS
  report   the coverage reports of the rules' windows, read back from NATS

EXIT STATUS
  0 the help was shown, as with no subcommand; 2 a bad flag. The subcommands
  give their own.`

const allowlistExample = `  # Which authorized scans ran this week, and what they covered
  portsnare allowlist report --since 168h`

const allowlistReportLong = `allowlist report reads the coverage reports of the allowlist rules back from
NATS JetStream and shows, per rule, whether each window's authorized scan ran
and what it covered.

The sensor ("portsnare run", and "portsnare replay --nats") writes one report
per rule and window, in packet time:
  - a rule with a schedule (weekly windows, or from/until) when each window
    closes: the scan ran, or it was missed, which also raises an
    authorized-scan-missing alert;
  - a rule without one when its scanner's scan ends (its last episode);
  - at shutdown or the end of a replay, every window still open, marked open
    (and partial): the scan may not have finished. A window that opened
    before the sensor started is partial too, and with no probe seen
    "unobserved" rather than missed.
The reports are stored in the alerts' stream (nats.stream) under
<nats.subject_prefix>.audit.<sensor>.<rule>.

It connects as "portsnare alerts" does: nats.urls (or --nats) with the same
TLS and credentials, or the embedded server of a "portsnare run" on this
host at nats.listen.

OUTPUT
  Standard output, on a terminal: for each rule (by name) a table of its
  windows, oldest first:
    WINDOW        start and end, in the local time zone
    RESULT        ran, missed or unobserved; "(partial)" when the sensor did
                  not watch the whole window, "(open)" when it had not closed
    COVERAGE      of a rule with targets: the share of its target addresses
                  probed, with reached/targets; "~" marks an estimate (target
                  sets over 65536 addresses are counted by estimate); "-"
                  for a rule without targets
    HOSTS, PORTS  distinct hosts and TCP/UDP/SCTP ports probed within scope
    SOURCES       the rule's sources seen, the first three and how many more
    OUT OF SCOPE  probes of the rule's sources outside its scope or windows
                  (each also raised a normal alert naming the rule)
  Elsewhere (a pipe, a file), or with --json: the reports exactly as stored,
  one JSON object per line (event.action authorized-scan-report, the account
  in portsnare.audit).
  Standard error: errors, and "no coverage reports" on a terminal when none
  matched.

EXIT STATUS
  0  the reports were printed (possibly none)
  1  NATS is unreachable, refused the credentials, or has no such stream (no
     sensor has published there yet); or writing the output failed
  2  usage error or invalid configuration`

const allowlistReportExample = `  # Did last week's authorized scans run, and what did they cover?
  portsnare allowlist report --since 168h

  # Windows missed in the last day, from a NATS cluster, with jq
  portsnare allowlist report --nats nats://nats1:4222 --since 24h |
    jq -r 'select(.portsnare.audit.result == "missed") | .portsnare.audit.rule'

  # Targets a scan never reached (a sample), with the service's configuration
  portsnare allowlist report -c /etc/portsnare/portsnare.yaml --json |
    jq -c '.portsnare.audit | {rule, window_start, unreached: .coverage.unreached_sample}'`
