package main

const blockLong = `block reads the alerts portsnare published to NATS JetStream and keeps their
sources in nftables sets, each element with a timeout, so that a firewall rule
referring to the sets drops scanners for a while and lets them go by itself.
It talks to the kernel through netlink; it runs no nft command.

WHAT IS BLOCKED
  The source (source.ip) of an alert whose event.kind is "alert", whose
  event.action is in block.actions (by default every scan and decoy action)
  and whose portsnare.phase is "start" or "update". An episode's "end" adds
  nothing: the source has gone quiet, and a sensor's shutdown ends every open
  episode. A later alert of the same source extends its block.
  Never blocked, whatever the alert:
    suppressed    an allowlist rule covers the source (portsnare.suppressed)
    spoofable     a touch of a dark port, seen by capture only, which proves
                  nothing of the source address (portsnare.honeyport.spoofable)
    internal      inside network.internal (RFC 1918, RFC 4193, loopback and
                  link-local by default), unless block.internal is true
    own-address   one of this host's addresses (read again every minute)
    never         inside block.never
    special       unspecified, loopback, multicast or broadcast addresses
  Each alert that blocks nobody is counted under its reason
  (portsnare_block_skipped_total{reason}); so are alerts too old to matter
  (expired) and new sources beyond block.max_elements (full).

NFTABLES
  Table block.table (family inet), made when missing, holds two sets:
  block.set_v4 (ipv4_addr) and block.set_v6 (ipv6_addr), with flags timeout
  and size block.max_elements. With block.create_rule (--create-rule) it also
  holds chain block.chain, hooked at prerouting with priority raw (-300),
  with one rule per set:
    meta nfproto ipv4 ip saddr @blocked4 counter drop
    meta nfproto ipv6 ip6 saddr @blocked6 counter drop
  so blocked sources are dropped before connection tracking, both for this
  host and for what it forwards. Without it, only the sets are kept, for
  rules of your own in the same table. The chain is flushed and its rules
  added again at each start. On exit the table, sets and elements stay: the
  elements expire by their own timeouts.

RESTARTS
  The durable consumer block.consumer is made afresh at each start, to
  deliver the alerts stored since now minus block.timeout, and each decision
  is applied with the time it has left: the alert's @timestamp plus
  block.timeout, less now. A restart therefore re-applies the blocks still
  in force (after a reboot, or a flushed ruleset, the sets are filled again)
  and never blocks anew what has expired; an element the kernel still holds
  keeps its own expiry. @timestamp is packet time: alerts of an old capture
  published with "portsnare replay --nats" block nobody.

PRIVILEGES
  nftables needs CAP_NET_ADMIN; deploy/portsnare-block.service gives the
  service a dynamic user with that capability alone. Without it, or without
  nf_tables in the kernel, block says so and exits 1.

OUTPUT
  Standard error: the log (one line per block at info, per skip at debug).
  With --dry-run, standard output gets one line per alert read: what would
  be done ("block ADDR for DURATION", "extend ...", "held ...",
  "skip ADDR: REASON") and the alert it is about. A dry run touches no
  nftables, leaves no consumer on the server and serves no metrics.

METRICS
  On block.metrics_listen (127.0.0.1:9478; --listen): portsnare_block_blocked_total,
  portsnare_block_extended_total, portsnare_block_held_total,
  portsnare_block_skipped_total{reason}, portsnare_block_errors_total,
  portsnare_block_elements and portsnare_block_consumer_pending (the
  consumer's lag), and /healthz.

NATS
  block connects where "portsnare alerts" does (nats.urls or --nats, else the
  embedded server of a "portsnare run" on this host, at nats.listen) and
  reads <nats.subject_prefix>.alert.> and .suppressed.> of stream nats.stream,
  in either output.format (ECS or OCSF).
  While NATS is unreachable, or before any sensor has made the stream, it
  waits and tries again; refused credentials or failed TLS end it.

SIGNALS
  SIGINT or SIGTERM stops it; the exit status is then 0.

EXIT STATUS
  0  stopped by a signal
  1  nftables refused (no CAP_NET_ADMIN, no nf_tables, a set of that name
     with another type), or NATS refused the credentials or TLS
  2  usage error or invalid configuration`

const blockExample = `  # Preview the decisions on the last hour's alerts and those that come
  portsnare block --dry-run -c /etc/portsnare/portsnare.yaml

  # Block for 30 minutes with portsnare's own drop rule
  sudo portsnare block --timeout 30m --create-rule

  # What is blocked now, and what the rule dropped
  sudo nft list table inet portsnare

  # Fill the sets only, for a rule in your own ruleset (same table):
  #   table inet portsnare { chain input { type filter hook input priority 0;
  #     ip saddr @blocked4 drop; ip6 saddr @blocked6 drop } }
  PORTSNARE_BLOCK_NEVER=192.0.2.0/24 portsnare block -c /etc/portsnare/portsnare.yaml`
