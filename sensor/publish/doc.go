// Package publish sends alerts to NATS JetStream without ever holding up
// the packet path, and without losing them to an outage or a restart.
//
// Publish encodes an alert and hands it to a bounded in-memory queue; it
// never blocks and never does I/O. Run's writer moves queued alerts to an
// on-disk spool (package spool: append-only segments, fsynced in batches,
// reloaded at start), and its sender publishes the spool's records in
// order, a window at a time, forgetting each only once JetStream has
// acknowledged it. While NATS is unreachable alerts accumulate in the
// spool; after reconnecting, or after a restart, they go out in order.
// Every alert carries Nats-Msg-Id = event.id, so one sent again after a
// lost acknowledgement is stored once (within the stream's duplicate
// window).
//
// Nothing is dropped silently. The queue and the spool are bounded; what
// they cannot take is counted (Stats) and logged at error level, at most
// every few seconds with the counts. When the spool is full its oldest
// start and update alerts go first; the episode summaries (phase "end",
// which carry an episode's full account) are kept, and only a spool full
// of summaries refuses new alerts.
//
// Subjects are <prefix>.alert.<sensor>.<action>, or <prefix>.suppressed.…
// for alerts an allowlist rule covers, in one stream (default PORTSNARE)
// that the publisher creates if it is missing, or checks if it exists. With
// no URL configured the publisher runs an embedded nats-server with
// JetStream in its data directory, listening on 127.0.0.1:4222 so that
// "portsnare alerts" and SIEM forwarders can attach. Read reads the stream
// back.
package publish
