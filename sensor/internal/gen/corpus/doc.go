// Package corpus builds the synthetic part of portsnare's labelled benchmark
// corpus: small captures of traffic a Linux test bed cannot produce (Windows
// TCP stacks, current zmap and masscan, peer-to-peer clients, a gateway's ARP
// cache, an asymmetric tap, scans hours long), each with the label
// cmd/evaluate scores it by.
//
// Every case models real stacks packet by packet: TTL, DF, window, TCP
// options, IP id, source-port choice and retransmission timing are those of
// the stack or tool named in the case's comment. A case draws its randomness
// from its own fixed seed, so the same code always writes the same bytes;
// TestCommittedCorpus holds the committed files to that.
//
// Regenerate after changing a case:
//
//	go run ./sensor/internal/gen/cmd/corpus
//
// The captures are pcap (Ethernet, microsecond timestamps, 128-byte
// snapshot like the recorded cases), gzip-compressed to stay small.
package corpus
