package corpus

import (
	"time"

	"github.com/google/gopacket/layers"
)

// stack is how an operating system's TCP/IP stack fills the headers of what
// it sends, and how its connect() retries.
type stack struct {
	name string
	ttl  uint8
	df   bool
	// synWin is the window of a SYN or SYN-ACK; win that of later segments
	// (the raw field, before window scaling).
	synWin, win uint16
	// synOpts are the options of a SYN (tsval is used when timestamps is
	// set); synAckOpts those of a SYN-ACK answering peer's SYN: a stack
	// answers only the options it was offered.
	synOpts    func(tsval uint32) []layers.TCPOption
	synAckOpts func(peer *stack, tsval, tsecr uint32) []layers.TCPOption
	// timestamps: the stack offers and accepts RFC 7323 timestamps.
	timestamps bool
	// globalID: one IP id counter for everything the host sends (Windows,
	// lwIP). Otherwise each connection counts from a random start and
	// SYN-ACKs and RSTs sent without a socket carry id 0 (Linux).
	globalID bool
	// synRTO is the first SYN retransmission timeout, doubled after each of
	// synRetries retransmissions but the first synLinear.
	synRTO     time.Duration
	synRetries int
	synLinear  int
	// refusedResends is how many times connect() re-sends the identical
	// SYN (same port, same ISN) after a RST, refusedGap apart, before it
	// reports the refusal: Windows does this, Linux does not.
	refusedResends int
	refusedGap     time.Duration
	// ephemeral is the first port of the range connect() takes source ports
	// from.
	ephemeral uint16
}

// windows10 is Windows 10/11 and Server 2016+: TTL 128, DF, SYN window
// 64240 with MSS, NOP, WS 8, NOP, NOP, SACK-permitted and no timestamps;
// one IP id counter for the host; an initial RTO of 1 s and 2 SYN
// retransmissions; ports from 49152. A RST to a SYN makes connect() re-send
// the identical SYN twice, about 500 ms apart (a refused connect() takes
// about a second on Windows for this reason).
var windows10 = &stack{
	name:           "windows10",
	ttl:            128,
	df:             true,
	synWin:         64240,
	win:            1026, // × 256
	synOpts:        func(uint32) []layers.TCPOption { return windowsOpts(8) },
	synAckOpts:     windowsSynAckOpts,
	globalID:       true,
	synRTO:         time.Second,
	synRetries:     2,
	refusedResends: 2,
	refusedGap:     500 * time.Millisecond,
	ephemeral:      49152,
}

// windows7 is Windows 7 and Server 2008 R2: as windows10 but with a SYN
// window of 8192, window scale 2 and an initial RTO of 3 s.
var windows7 = &stack{
	name:           "windows7",
	ttl:            128,
	df:             true,
	synWin:         8192,
	win:            16425, // × 4
	synOpts:        func(uint32) []layers.TCPOption { return windowsOpts(2) },
	synAckOpts:     windowsSynAckOpts,
	globalID:       true,
	synRTO:         3 * time.Second,
	synRetries:     2,
	refusedResends: 2,
	refusedGap:     500 * time.Millisecond,
	ephemeral:      49152,
}

func windowsOpts(ws uint8) []layers.TCPOption {
	return []layers.TCPOption{optMSS(1460), optNOP(), optWS(ws), optNOP(), optNOP(), optSACKOK()}
}

// windowsSynAckOpts: Windows answers with the SYN's layout, without
// timestamps (disabled by default), and with MSS alone to a peer that
// offered nothing more.
func windowsSynAckOpts(peer *stack, _, _ uint32) []layers.TCPOption {
	if peer == lwip {
		return []layers.TCPOption{optMSS(1460)}
	}
	return windowsOpts(8)
}

// linux is Linux 5.x/6.x: TTL 64, DF, SYN window 64240 with MSS,
// SACK-permitted, timestamps, NOP, WS 7 (the SYN-ACK: 65160 with
// timestamps); per-connection IP ids, id 0 on SYN-ACKs and RSTs; SYN
// retransmissions at +1, +2, +3, +4, +5 and +7 s (6.x's linear timeouts
// first, as recorded); no retry after a RST; ports from 32768.
var linux = &stack{
	name:   "linux",
	ttl:    64,
	df:     true,
	synWin: 64240,
	win:    501, // × 128
	synOpts: func(ts uint32) []layers.TCPOption {
		return []layers.TCPOption{optMSS(1460), optSACKOK(), optTS(ts, 0), optNOP(), optWS(7)}
	},
	synAckOpts: func(peer *stack, ts, ecr uint32) []layers.TCPOption {
		switch {
		case peer == lwip:
			return []layers.TCPOption{optMSS(1460)}
		case !peer.timestamps:
			return []layers.TCPOption{optMSS(1460), optNOP(), optNOP(), optSACKOK(), optNOP(), optWS(7)}
		}
		return []layers.TCPOption{optMSS(1460), optSACKOK(), optTS(ts, ecr), optNOP(), optWS(7)}
	},
	timestamps: true,
	synRTO:     time.Second,
	synRetries: 6,
	synLinear:  5,
	ephemeral:  32768,
}

// lwip is lwIP 2.x as embedded devices run it: TTL 255, no DF, window 5840
// (4 × MSS) with MSS as the only option and no timestamps; one IP id counter
// from 0 at boot; an initial RTO of 3 s; and, without port randomisation,
// source ports counted from 49153 at every boot.
var lwip = &stack{
	name:       "lwip",
	ttl:        255,
	synWin:     5840,
	win:        5840,
	synOpts:    func(uint32) []layers.TCPOption { return []layers.TCPOption{optMSS(1460)} },
	synAckOpts: func(*stack, uint32, uint32) []layers.TCPOption { return []layers.TCPOption{optMSS(1460)} },
	globalID:   true,
	synRTO:     3 * time.Second,
	synRetries: 6,
	ephemeral:  49153,
}

// synAckWin is the window of the stack's SYN-ACK: Linux opens with 65160
// when timestamps are on (MSS 1448 × 45), 64240 when not.
func (s *stack) synAckWin(ts bool) uint16 {
	if s == linux && ts {
		return 65160
	}
	return s.synWin
}

// synTimes are the offsets from the first SYN at which connect() sends the
// SYN and its retransmissions, each timeout double the last once the
// stack's linear ones are spent, and the offset at which it gives up (one
// more timeout after the last).
func (s *stack) synTimes() (sends []time.Duration, giveUp time.Duration) {
	at, rto := time.Duration(0), s.synRTO
	for i := range s.synRetries + 1 {
		sends = append(sends, at)
		at += rto
		if i+1 >= s.synLinear {
			rto *= 2
		}
	}
	return sends, at
}
