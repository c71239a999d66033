// Package block turns portsnare's alerts into firewall decisions: each
// alert read from the JetStream stream is judged (is its source a scanner
// worth dropping, or one that must never be blocked?) and the sources that
// pass are kept in nftables sets, IPv4 and IPv6, with a per-element
// timeout, so that a block ends by itself.
//
// The parts, one concept per file: Config (the block.* keys), Decider (the
// pure judgement of one alert, with its reasons for skipping), ledger (the
// elements this process believes are in the sets, bounded by
// block.max_elements), Setter (nftables through netlink on Linux, a refusal
// elsewhere, or a printer for --dry-run), and Service, which reads the
// stream through a durable consumer and applies each decision.
//
// Restarts. At start the durable consumer is made afresh to deliver the
// alerts stored since now − block.timeout, and each decision is applied with
// the time left of it: the alert's @timestamp + block.timeout − now. A
// decision still in force is thus re-applied (after a reboot or a flushed
// ruleset the sets are refilled), one that has run out is skipped
// (reason "expired"), and an element the kernel still holds keeps its own
// expiry. While running, the consumer's acknowledgements carry the position
// across NATS reconnections and server restarts.
package block
