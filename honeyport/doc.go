// Package honeyport runs decoy listeners ("honeyports"): TCP and UDP sockets
// on ports that serve nothing, where any contact is a strong sign of
// scanning because no legitimate client has a reason to come. Each contact
// is reported as a detect.Touch; a TCP touch has Handshake set, which also
// proves that the source address is real.
//
// # Ports
//
// honeyport.ports lists ports in the grammar the allowlist uses too
// (internal/portspec: "23", "161/udp", "udp/161", "8000-8010/tcp",
// "tcp/22,80,443"; a number alone is TCP) and may include "auto", the
// Curated list of commonly probed services. Only TCP and UDP ports can be
// decoys; other protocols are refused by name. Whatever the
// list, a port that any other socket of the host holds (a listening TCP
// socket or a bound UDP one, on any address, read from /proc/net/tcp, tcp6,
// udp and udp6) is never taken, and the bind confirms it: on Linux a second
// socket cannot bind a port while one listens on an overlapping address,
// even with SO_REUSEADDR, so EADDRINUSE just skips the port. The decoys never
// set SO_REUSEPORT, which would let a service share its port with them.
//
// A decoy that holds a port keeps any service started later from binding
// it. The package limits that risk in three ways, and the operator closes
// the rest:
//
//   - "auto" leaves out ports a sensor host commonly serves (22, 53, 80,
//     443, …);
//   - a port seen held by another socket, at start or at any recheck
//     (honeyport.recheck_interval), is avoided for the life of the process,
//     so a service that restarts never finds a decoy in its port; a decoy
//     whose port another socket binds on some other address is released;
//   - honeyport.exclude_ports names ports of services to come, and Reload
//     (portsnare reloads its configuration) releases decoys the new
//     configuration no longer wants, at once.
//
// Start portsnare after the host's services (systemd: After= their units)
// so that "auto" sees their ports taken.
//
// # Privileges
//
// No root is needed. Ports below 1024 need CAP_NET_BIND_SERVICE (systemd:
// AmbientCapabilities=CAP_NET_BIND_SERVICE; or setcap
// cap_net_bind_service=+ep on the binary; or lower the sysctl
// net.ipv4.ip_unprivileged_port_start). Without it those ports fail with
// EACCES, are logged once, and the others are served. Reading /proc/net
// needs no privilege.
//
// # Platform
//
// The decoys need Linux: /proc/net is what keeps them out of services'
// ports, and IP_PKTINFO what tells a datagram to this host from a
// broadcast. On other systems New returns an error naming the system.
//
// # What a decoy does
//
// A TCP decoy accepts, optionally sends a greeting (ssh, smtp, ftp, mysql,
// telnet) or, for http, a fixed answer once the client has sent something,
// and records the first honeyport.record_bytes bytes the client sends, all
// within honeyport.read_timeout, then closes. A UDP decoy records each
// datagram unicast to the host and, if its port has a banner, replies with
// the banner cut to the request's size, at most udp_reply_rate times a second
// per source. Nothing received is ever interpreted: there is no parser in a
// decoy for an attacker to reach.
//
// # Bounds
//
// Whatever the load, resources stay bounded: one goroutine per decoy socket,
// one per connection within max_conns (and max_conns_per_source, per IPv4
// address or IPv6 /64; connections over a cap are still touches, but are
// reset at once), one for the recheck loop and one for delivery. Every
// connection ends by its deadline; accept errors such as EMFILE back off
// from 5 ms to 1 s. File descriptors: decoy sockets (ports × addresses) plus
// max_conns plus one per socket in passing. Memory: record_bytes and a
// goroutine per connection, 64 KiB per UDP socket, the reply limiter's fixed
// table, and the touch queue.
//
// # Delivery
//
// Touches reach the callback given to New on one goroutine, in order,
// through a queue of 1024. The callback should not block; if it falls
// behind, touches are dropped and counted (Stats.TouchesDropped) — the
// decoys never wait for it, so a slow consumer cannot stall accepting or
// leave connections open. Touch.Time is the wall clock (this is the live
// sensor); Touch.First is a fresh slice per touch, which the receiver may
// keep.
//
// # Dark ports
//
// honeyport.dark_ports belongs to the passive tier: ports watched by capture
// alone, with no socket, read by the capture path. Here they only keep
// decoys away: a dark port must stay dark, so "auto" skips it and an
// explicit decoy on one is a configuration error.
package honeyport
