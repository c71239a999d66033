package main

const alertsLong = `alerts reads the alerts that portsnare published to NATS JetStream back from
the stream, oldest first, through an ordered consumer that leaves nothing on
the server. By default it prints what is stored and exits; with --follow it
then waits for new alerts and prints each as it arrives, until interrupted.

It connects where the sensor publishes: the servers of nats.urls (or --nats),
with the same TLS and credential settings, or, when no URL is configured, the
embedded server of a "portsnare run" on this host, at nats.listen
(127.0.0.1:4222 by default). It reads the stream nats.stream, subjects
<nats.subject_prefix>.alert.>, and with --suppressed also
<nats.subject_prefix>.suppressed.>: scans an allowlist rule authorizes, which
are published but kept apart.

OUTPUT
  Standard output, on a terminal: a table of time (the alert's @timestamp, in
  the local time zone), action, phase, source, destination, technique and
  message; suppressed alerts are marked "[suppressed by RULE]".
  Elsewhere (a pipe, a file), or with --json: the alerts exactly as stored,
  one JSON object per line, as "portsnare replay" and "portsnare run --stdout"
  write them.
  Standard error: errors, and "no alerts" on a terminal when none matched.

SIGNALS
  SIGINT (Ctrl-C) or SIGTERM ends --follow; the exit status is then 0.

EXIT STATUS
  0  the alerts were printed (possibly none)
  1  NATS is unreachable, refused the credentials, or has no such stream (no
     sensor has published there yet); or writing the output failed
  2  usage error or invalid configuration`

const alertsExample = `  # What the sensor on this host has published (its embedded server)
  portsnare alerts

  # Watch new alerts as they come, authorized scans included
  portsnare alerts --follow --suppressed

  # The last day's alerts from a NATS cluster, as JSON for jq
  portsnare alerts --nats nats://nats1:4222,nats://nats2:4222 --since 24h |
    jq -r 'select(.portsnare.phase == "end") | .message'

  # With the service's configuration (servers, TLS, credentials)
  portsnare alerts -c /etc/portsnare/portsnare.yaml --follow`
