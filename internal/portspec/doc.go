// Package portspec is the one grammar for protocols and ports in the
// configuration: honeyport.ports, honeyport.exclude_ports and the ports of
// allowlist rules are all read by Parse, so that a spec means the same and
// fails with the same message wherever it is written.
//
// A spec is one of
//
//	any                  every protocol and port
//	PROTO                every port (or ICMP type) of PROTO: tcp, udp, sctp, icmp, icmpv6, ip
//	PROTO/LIST           tcp/22, tcp/22,80,443, udp/53, icmp/8, ip/47
//	LIST/PROTO           22/tcp, 8000-8010/tcp, 22,80/tcp, 161/udp
//	LIST                 23, 8000-8010, 22,80: no protocol given
//
// where LIST is numbers and inclusive ranges joined by commas. The numbers
// are ports (0-65535) for tcp, udp and sctp, ICMP types (0-255) for icmp
// and icmpv6, and IP protocol numbers (0-255) for ip. Protocol names are
// case-insensitive and spaces around the parts are ignored.
//
// The grammar is the same for every consumer; what a consumer can use is
// not. A consumer rejects the rest by naming the spec: decoys listen on TCP
// and UDP ports only and read a LIST without a protocol as TCP, while an
// allowlist rule must name its protocol.
package portspec
