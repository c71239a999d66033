package main

const correlateLong = `correlate is the fleet correlator. Each sensor with fleet.enabled publishes
evidence — its failed, odd and accepted first contacts: source, target, port,
outcome, technique, tool — to <nats.subject_prefix>.evidence.<sensor>.<partition> in the
stream fleet.stream. correlate consumes the partitions it owns through a durable
JetStream consumer (correlate.consumer, one per instance), replays the evidence
into the same detection engine the sensors run, with the same detect.*
thresholds, keyed by source (an IPv6 source by /64), in the evidence's packet
time, and publishes what the merged view shows and no sensor saw alone: a
scanner probing three ports on each of many hosts behind different sensors.

Fleet alerts are published like any other alert, to
<nats.subject_prefix>.alert.fleet.<action> (suppressed ones, which an allowlist
rule covers fleet-wide, to .suppressed.fleet.<action>), with the actions
fleet-portscan, fleet-sweep, fleet-blockscan, fleet-pingsweep and others, and
observer.type "fleet", observer.hostname correlate.name; portsnare.fleet names
every sensor and target involved. "portsnare alerts" shows them. A source that
fewer than correlate.min_sensors sensors saw, or that a sensor alerted on itself,
is left to that sensor: the fleet does not raise it again.

CAMPAIGNS
  Many sources sharing one tool fingerprint and one target pattern are one
  campaign: a campaign alert (<nats.subject_prefix>.alert.fleet.campaign) names
  its sources (the first 32 by address; portsnare.scan.sources_total and the
  message count them all), sensors, ports and targets. The pattern is the tool the source's probes point to
  (nmap, masscan, zmap) and the exact set of ports, with their protocol, it
  probed (at most 16: a source probing more is a port scan). When at least
  correlate.campaign_min_sources (5) sources with one pattern have each sent
  evidence within correlate.campaign_window (10m) of packet time, the campaign
  starts; it ends with its summary once none of them has for a window. A source
  with no tool named is in no campaign. Each instance judges the sources of the
  partitions it owns, so with several instances a campaign may be raised by
  each, naming its share.

  The allowlist applies to each source of a campaign as to a sensor's episode.
  A campaign whose sources are all authorized is published suppressed (to
  .suppressed.fleet.campaign), never dropped; one mixing authorized sources and
  others is an alert whose portsnare.allowlist names the rules, the authorized
  sources and their count (rules, sources, sources_total).

SCALE-OUT
  A source's evidence always goes to one partition (fleet.partitions, which
  every sensor and correlator must agree on). Instances sharing the work own
  disjoint partitions (--partitions 0-7 on one, 8-15 on the other), so a
  source is judged in one place. A restarted instance resumes from its
  consumer; evidence a sensor sends again is stored once (message ids).

SIGNALS
  SIGINT or SIGTERM: open fleet episodes end with their summary, which is
  published (or spooled for the next start) before exit.

EXIT STATUS
  0  stopped by a signal
  1  NATS refused the credentials, or the streams cannot be used
  2  usage error or invalid configuration`

const correlateExample = `  # One correlator for the whole fleet, on a NATS cluster
  portsnare correlate --nats nats://nats1:4222,nats://nats2:4222,nats://nats3:4222

  # Two instances sharing the work (fleet.partitions: 16)
  portsnare correlate -c /etc/portsnare/portsnare.yaml --partitions 0-7
  portsnare correlate -c /etc/portsnare/portsnare.yaml --partitions 8-15

  # The fleet alerts
  portsnare alerts --nats nats://nats1:4222 --json | jq 'select(.observer.type == "fleet")'`
