package main

import (
	"fmt"
	"strings"
)

// The help texts read like man pages: what the command does, what it writes
// where, its exit status, examples. The parts that list keys are generated
// from the settings table so that they cannot fall behind it.

const rootIntro = `portsnare watches network traffic for port scans and publishes one alert per
scanning episode. It finds vertical port scans, horizontal sweeps, block scans,
ping sweeps, IP-protocol scans, decoy scans (nmap -D) and distributed scans,
judges first contacts by their outcome (Threshold Random Walk), names the
technique, the order and, where the packets show it, the tool, and writes each
alert as a JSON document with Elastic Common Schema field names.

CONFIGURATION
  Each setting is taken from the first of these that sets it:
    1. a command-line flag (only the most used keys have one)
    2. an environment variable PORTSNARE_<SECTION>_<KEY>
    3. the YAML file given with -c/--config (no file is read without -c)
    4. the built-in default
  A key in the file or a PORTSNARE_* variable that names no setting is an
  error, never ignored, so that a typo cannot leave a default in force.
  Durations take a unit: 200ms, 5s, 2h. "portsnare check-config" reports every
  problem of a configuration at once; "portsnare check-config --print" shows
  every key with its value and meaning. deploy/portsnare.example.yaml in the
  source tree is the same, with the defaults.

ENVIRONMENT
  PORTSNARE_ followed by a key in upper case, dots becoming underscores, sets
  that key: detect.vertical_ports is PORTSNARE_DETECT_VERTICAL_PORTS. Empty
  variables are ignored. The variables and their defaults:

`

const rootOutro = `
LOGGING
  Diagnostics go to standard error through log/slog, as text or JSON
  (--log-format, log.format), from the level given by --log-level (log.level).
  Alerts never go to the log.

EXIT STATUS
  0  success
  1  the command ran and failed, e.g. a file that is not a capture
  2  usage error or invalid configuration`

const rootExample = `  # Replay a capture: alerts to a file, progress and summary on the terminal
  portsnare replay capture.pcapng > alerts.json

  # Check a configuration before deploying it
  portsnare check-config -c /etc/portsnare/portsnare.yaml

  # Lower a threshold for one run, through the environment
  PORTSNARE_DETECT_VERTICAL_PORTS=10 portsnare replay -c portsnare.yaml capture.pcap`

// rootLong is the root command's description with the list of variables.
func rootLong() string {
	return rootIntro + envList() + rootOutro
}

// envList lists every variable with its default, aligned.
func envList() string {
	defaults := defaultConfig()
	width := 0
	for _, s := range settings {
		width = max(width, len(envName(s.key)))
	}
	var b strings.Builder
	for _, s := range settings {
		def := formatValue(s.field(&defaults))
		if s.key == "sensor.name" {
			def += " (the host name)"
		}
		fmt.Fprintf(&b, "    %-*s  %s\n", width, envName(s.key), def)
	}
	return b.String()
}

const replayLong = `replay reads packet captures — pcap or pcapng, plain or gzip-compressed — and
runs them through the same decoding and detection engine as the live sensor.
Time is the packets' capture time, never the clock, so a replay raises the
alerts a live run over the same traffic would have raised, each stamped with
the time of the packet that triggered it. All FILEs go through one engine, in
the order given.

OUTPUT
  Standard output: the alerts, one JSON object per line (Elastic Common Schema
  names; event.action says which kind of scan, portsnare.phase whether the
  episode starts, grows or ends). It is buffered and written out at the end.
  Standard error: a progress bar while reading, only when standard error is a
  terminal (--no-progress turns it off); log messages; and at the end a
  summary of what was read and raised (--quiet turns off summary and progress
  bar).

NATS
  With --nats URL the alerts are also published to that NATS JetStream server
  (or cluster: several URLs, comma-separated), as "portsnare run" publishes
  them: same subjects, stream and Nats-Msg-Id, so replaying a capture twice
  stores its alerts once. The TLS and credential keys nats.* of the
  configuration apply. Replay waits until JetStream has acknowledged every
  alert (at most nats.flush_timeout) and prints one more line on standard
  error saying how many were published. Without --nats nothing is published,
  whatever nats.urls says.

  With --nats and fleet.enabled, the replay also publishes its fleet evidence
  to the stream fleet.stream, as the live sensor named sensor.name would have,
  so that captures of several sensors, each replayed under its sensor's name
  (-c with sensor.name, or PORTSNARE_SENSOR_NAME), reach "portsnare correlate"
  together. The same captures give the same batches, stored once.

SIGNALS
  SIGINT (Ctrl-C) or SIGTERM stops the replay early: the alerts raised so far
  are written (and, with --nats, published), the summary is printed and the
  exit status is 1. A second signal ends the process at once.

EXIT STATUS
  0  every file was replayed (and, with --nats, every alert published)
  1  a file could not be read or is not a capture (the message names it),
     writing the alerts failed, the replay was interrupted, or with --nats
     the server was unreachable or refused: the alerts are still on standard
     output, and the message says how many were not published and why
  2  usage error or invalid configuration (every problem is listed)`

const replayExample = `  # Alerts to a file; progress and summary on the terminal
  portsnare replay capture.pcapng > alerts.json

  # Several gzip-compressed captures, one engine
  portsnare replay day1.pcap.gz day2.pcap.gz > alerts.json

  # The start of each vertical port scan, with jq
  portsnare replay --quiet capture.pcap |
    jq -c 'select(.event.action == "portscan" and .portsnare.phase == "start")'

  # Try a lower threshold
  portsnare replay --vertical-ports 10 capture.pcap

  # Also publish the alerts to a NATS server, for the SIEM to take
  portsnare replay --nats nats://nats.example.net:4222 capture.pcap > alerts.json`

const checkConfigLong = `check-config loads the configuration exactly as the other commands would —
the defaults, the file given with -c, the PORTSNARE_* environment variables and
the flags given here — and checks all of it: keys and variables that name no
setting, values of the wrong type, and values out of range. It reports every
problem at once, one per line, each naming the key (or the variable), the bad
value and where that value came from.

OUTPUT
  Standard output: "configuration OK" when there is no problem; with --print,
  instead, the configuration in force as YAML, every key with a comment.
  Standard error: the problems, one per line.

EXIT STATUS
  0  the configuration is valid
  2  it is not, or usage error`

const checkConfigExample = `  # Check the file a service will use
  portsnare check-config -c /etc/portsnare/portsnare.yaml

  # See what a command would use with this file and environment
  PORTSNARE_DETECT_IDLE_TIMEOUT=30m portsnare check-config -c portsnare.yaml --print`

const versionLong = `version prints portsnare's version, the commit it was built from when known,
the Go version it was built with and the platform, on standard output.

EXIT STATUS
  0  always`

const versionExample = `  portsnare version`
