package corpus

import (
	"time"

	"github.com/google/gopacket/layers"
)

// conn is one TCP connection from cli to srv, sent packet by packet with
// the headers each side's stack would put on them.
type conn struct {
	c            *capture
	cli, srv     *node
	cport, sport uint16
	ciss, siss   uint32
	cnxt, snxt   uint32 // next sequence number of each side
	cid, sid     uint16 // per-connection IP id counters (Linux)
	ts           bool   // both ends use timestamps
	clastTS      uint32 // the latest tsval each side sent, echoed by the other
	slastTS      uint32
}

// dial starts a connection from a fresh ephemeral port of cli.
func (c *capture) dial(cli, srv *node, sport uint16) *conn {
	return c.dialFrom(cli, cli.nextPort(c), srv, sport)
}

// dialFrom starts a connection from a given client port.
func (c *capture) dialFrom(cli *node, cport uint16, srv *node, sport uint16) *conn {
	k := &conn{c: c, cli: cli, srv: srv, cport: cport, sport: sport,
		ciss: c.rng.Uint32(), siss: c.rng.Uint32(),
		cid: uint16(c.rng.Uint32()), sid: uint16(c.rng.Uint32()),
		ts: cli.os.timestamps && srv.os.timestamps}
	k.cnxt, k.snxt = k.ciss, k.siss
	return k
}

// id is the IP id of the next packet from n on this connection; sockless
// (SYN-ACK or RST from a Linux listener) packets carry 0 there.
func (k *conn) id(n *node, sockless bool) uint16 {
	switch {
	case n.os.globalID:
		return n.nextID()
	case sockless:
		return 0
	case n == k.cli:
		k.cid++
		return k.cid
	}
	k.sid++
	return k.sid
}

// send sends a segment and returns its IP datagram.
func (k *conn) send(at time.Duration, fromCli bool, t tcpHdr, id uint16, payload []byte) []byte {
	from, to := k.srv, k.cli
	if fromCli {
		from, to = k.cli, k.srv
	}
	d := k.c.enc.tcp(from.ipTo(to, id), t, payload)
	k.c.ip(at, from, to, d)
	return d
}

// syn sends the client's SYN; calling it again re-sends the identical SYN
// (same port, same ISN), as a retransmission does. Only the IP id and the
// timestamp value move. It returns the SYN's datagram.
func (k *conn) syn(at time.Duration) []byte {
	os := k.cli.os
	t := tcpHdr{sport: k.cport, dport: k.sport, seq: k.ciss, flags: fSYN, win: os.synWin,
		opts: os.synOpts(k.cli.tsval(at))}
	k.clastTS = k.cli.tsval(at)
	k.cnxt = k.ciss + 1
	return k.send(at, true, t, k.id(k.cli, false), nil)
}

// synAck answers the SYN.
func (k *conn) synAck(at time.Duration) {
	os := k.srv.os
	k.slastTS = k.srv.tsval(at)
	t := tcpHdr{sport: k.sport, dport: k.cport, seq: k.siss, ack: k.ciss + 1, flags: fSYN | fACK,
		win: os.synAckWin(k.ts), opts: os.synAckOpts(k.cli.os, k.slastTS, k.clastTS)}
	k.snxt = k.siss + 1
	k.send(at, false, t, k.id(k.srv, true), nil)
}

// refuse answers the SYN with RST-ACK, as every stack does for a closed
// port: sequence 0, window 0.
func (k *conn) refuse(at time.Duration) {
	t := tcpHdr{sport: k.sport, dport: k.cport, ack: k.ciss + 1, flags: fRST | fACK}
	k.send(at, false, t, k.id(k.srv, true), nil)
}

// opts are the options of an established segment: timestamps when
// negotiated (NOP, NOP, TS), none otherwise (Windows, lwIP).
func (k *conn) opts(at time.Duration, fromCli bool) []layers.TCPOption {
	if !k.ts {
		return nil
	}
	if fromCli {
		k.clastTS = k.cli.tsval(at)
		return []layers.TCPOption{optNOP(), optNOP(), optTS(k.clastTS, k.slastTS)}
	}
	k.slastTS = k.srv.tsval(at)
	return []layers.TCPOption{optNOP(), optNOP(), optTS(k.slastTS, k.clastTS)}
}

// seg sends an established segment with flags (ACK added) and n payload
// bytes (or payload, when given), advancing the sender's sequence number.
func (k *conn) seg(at time.Duration, fromCli bool, flags uint8, payload []byte) {
	t := tcpHdr{flags: flags | fACK}
	if fromCli {
		t.sport, t.dport, t.seq, t.ack, t.win = k.cport, k.sport, k.cnxt, k.snxt, k.cli.os.win
	} else {
		t.sport, t.dport, t.seq, t.ack, t.win = k.sport, k.cport, k.snxt, k.cnxt, k.srv.os.win
	}
	t.opts = k.opts(at, fromCli)
	n := uint32(len(payload))
	if flags&(fSYN|fFIN) != 0 {
		n++
	}
	if fromCli {
		k.cnxt += n
		k.send(at, true, t, k.id(k.cli, false), payload)
	} else {
		k.snxt += n
		k.send(at, false, t, k.id(k.srv, false), payload)
	}
}

// abort closes the connection from the client with RST-ACK, as a scanner
// does with SO_LINGER 0 to leave no TIME_WAIT behind.
func (k *conn) abort(at time.Duration) {
	t := tcpHdr{sport: k.cport, dport: k.sport, seq: k.cnxt, ack: k.snxt, flags: fRST | fACK, win: 0}
	k.send(at, true, t, k.id(k.cli, false), nil)
}

// connected performs the handshake: SYN at, SYN-ACK after rtt/2 (the
// capture sits next to the client), ACK right after. It returns when the
// client's ACK is sent.
func (k *conn) connected(at, rtt time.Duration) time.Duration {
	k.syn(at)
	k.synAck(at + rtt)
	at += rtt + 60*time.Microsecond
	k.seg(at, true, 0, nil)
	return at
}

// accepted is the handshake as a capture next to the server sees it: SYN,
// the SYN-ACK right after, the client's ACK a round trip later. It returns
// when the ACK arrives.
func (k *conn) accepted(at, rtt time.Duration) time.Duration {
	k.syn(at)
	k.synAck(at + 40*time.Microsecond)
	at += rtt + 40*time.Microsecond
	k.seg(at, true, 0, nil)
	return at
}

// refused plays connect() to a closed port: the SYN, the RST, and the
// client stack's identical re-sends with their RSTs. It returns when
// connect() reports the refusal.
func (k *conn) refused(at, rtt time.Duration) time.Duration {
	os := k.cli.os
	for i := 0; ; i++ {
		k.syn(at)
		k.refuse(at + rtt)
		if i == os.refusedResends {
			return at + rtt
		}
		// Windows' timer ticks every 15.6 ms: the gap is never exact.
		at += os.refusedGap + time.Duration(k.c.rng.IntN(16))*time.Millisecond
	}
}

// unanswered plays connect() to a host that never answers: the SYN and
// its retransmissions. It returns when connect() gives up.
func (k *conn) unanswered(at time.Duration) time.Duration {
	sends, giveUp := k.cli.os.synTimes()
	for _, off := range sends {
		k.syn(at + off)
	}
	return at + giveUp
}
