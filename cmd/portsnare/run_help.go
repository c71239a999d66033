package main

const runLong = `run is the live sensor. It captures on the given interfaces (default: the
interface of the default route) through AF_PACKET TPACKET_V3 rings with a
kernel filter that keeps only what detection needs — packets that open or probe,
and the replies that tell their outcome, cut to a small snap length — and runs
them through the detection engine. Both directions of traffic are read; on
loopback the kernel's duplicate outgoing copy of each packet is filtered out.
Live capture and the decoys need Linux; on other systems run refuses to start
(replay works everywhere).

Capture and decoding use one goroutine per socket of a kernel fanout group
(capture.sockets per interface); every decoded event then goes to one engine,
which owns all per-source state, so a scanner's probes land in one place
however the kernel spreads them.

OUTPUT
  With --stdout, alert JSON lines on standard output as they are raised.
  Log messages on standard error. Prometheus metrics and /healthz on
  metrics.listen (default 127.0.0.1:9477): packets, kernel drops, decode
  results, sources tracked, evictions, alerts by action, phase and
  suppression, dropped alerts.

PRIVILEGES
  Capture needs CAP_NET_RAW, promiscuous mode CAP_NET_ADMIN. Started as root
  with run.user set, the sensor switches to that user once its sockets are
  open. deploy/portsnare.service runs it as a systemd dynamic user with only
  those capabilities.

SIGNALS
  SIGINT or SIGTERM stop the capture: each socket is closed by the goroutine
  that reads it (never while a read is in progress), the packets already read
  are processed, every open episode ends with its summary, and pending alerts
  are delivered before the process exits. A second signal cuts short only
  the publishing to NATS: the summaries are in the spool by then, and what
  was not published waits there for the next start (exit status 1). A
  third signal kills the process. SIGHUP reloads what can be reloaded.

EXIT STATUS
  0  stopped by a signal, everything delivered
  1  the sensor failed (e.g. no permission to capture), alerts could not
     be delivered, or a second signal cut the publishing short
  2  usage error or invalid configuration`

const runExample = `  # Watch the default interface, alerts on the terminal too
  sudo portsnare run --stdout

  # A tap on eth1 and eth2, promiscuous, configured from a file
  sudo PORTSNARE_CAPTURE_PROMISCUOUS=true portsnare run -i eth1 -i eth2 -c /etc/portsnare/portsnare.yaml`
