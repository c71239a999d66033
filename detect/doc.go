// Package detect is portsnare's scan-detection engine.
//
// It consumes decoded packet summaries — Probes (first contacts: TCP SYN, FIN,
// NULL, Xmas, bare ACK and other odd flag sets, UDP datagrams that are not
// replies, ICMP echo/timestamp/address-mask requests, SCTP INIT, other IP
// protocols) and Replies (SYN-ACK, RST, ICMP errors quoting a probe, answers to
// UDP and ICMP requests) — and produces Alerts.
//
// The engine keeps a bounded, scan-resistant memory per source address and a
// fixed-size table of first contacts. Scores follow Threshold Random Walk
// (Jung, Paxson, Berger, Balakrishnan 2004): a failed first contact moves a
// source towards "scanner", a successful one away from it. Breadth counters
// (ports per host, hosts per port, distinct contacts) catch scans whose replies
// the sensor cannot see.
//
// Time inside the engine is packet time. The package imports nothing of
// capture, NATS or configuration libraries, so the same engine serves live
// capture and replay; a test enforces this.
package detect
