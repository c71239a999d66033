package corpus

import (
	"fmt"
	"time"
)

// Peer-to-peer clients contact hundreds of peers, each on its own random
// port, most of which answer: a distinct port per host is P2P, not a sweep,
// and silence to UDP is weak evidence.

var p2pTorrent = Case{
	Name: "p2p-bittorrent", Class: "p2p", Label: "benign",
	Description: "BitTorrent client on Windows 10 behind a NAT router contacting 200 peers over 4 minutes, " +
		"each on its own random port: 110 over TCP (77 complete the peer handshake and transfer, " +
		"22 refuse with RST and Windows' two identical re-sends, 11 silent) and 90 DHT queries over " +
		"UDP (70 answered, 5 port unreachable, 15 silent)",
	seed: 201, start: day(4), build: buildTorrent,
}

// peerAddrs returns n distinct Internet peers in 198.19.0.0/16, each on a
// distinct random port above 1024.
func (c *capture) peerAddrs(n int) ([]ip4, []uint16) {
	addrs, ports := make([]ip4, 0, n), make([]uint16, 0, n)
	seenA, seenP := map[ip4]bool{}, map[uint16]bool{}
	for len(addrs) < n {
		a := ip4{198, 19, byte(c.rng.IntN(256)), byte(1 + c.rng.IntN(254))}
		p := uint16(1025 + c.rng.IntN(64510))
		if seenA[a] || seenP[p] {
			continue
		}
		seenA[a], seenP[p] = true, true
		addrs, ports = append(addrs, a), append(ports, p)
	}
	return addrs, ports
}

// remotePeer is a peer host: Linux or Windows, 8-19 routers away.
func (c *capture) remotePeer(a ip4) *node {
	os := linux
	if c.rng.IntN(5) < 2 {
		os = windows10
	}
	return c.host(a, os, uint8(8+c.rng.IntN(12)))
}

// buildTorrent: libtorrent-style client. The tracker's peer list is worked
// through at ~10 connects/s for the first 60 peers, then new peers trickle
// in from peer exchange and the DHT. TCP peers get the BitTorrent handshake
// (68 bytes), the peer answers with its own and a bitfield, interested /
// unchoke / requests follow and the first 16 KiB block starts to flow. DHT
// get_peers queries leave the client's one UDP port (also its listen port).
func buildTorrent(c *capture) {
	c.gw = c.host(ip4{198, 18, 40, 1}, linux, 0)
	client := c.host(ip4{198, 18, 40, 10}, windows10, 0)
	const listen = 24816
	infoHash, peerID := c.noise(20), append([]byte("-qB4650-"), c.noise(12)...)
	nodeID := c.noise(20)
	addrs, ports := c.peerAddrs(200)
	for i, a := range addrs {
		at := time.Duration(i) * 100 * time.Millisecond
		if i >= 60 {
			at = 6*time.Second + time.Duration(i-60)*1600*time.Millisecond + c.jitter(time.Second)
		}
		peer := c.remotePeer(a)
		rtt := c.wanRTT(20, 250)
		// Peers alternate between TCP (j) and DHT nodes (u) in the
		// order they were learnt: 110 TCP, 90 UDP.
		if j := i/20*11 + i%20; i%20 < 11 {
			k := c.dial(client, peer, ports[i])
			switch j % 10 {
			case 7, 8:
				k.refused(at, rtt)
			case 9:
				k.unanswered(at)
			default:
				c.peerWire(k, at, rtt, infoHash, peerID)
			}
			continue
		}
		u := i/20*9 + i%20 - 11
		tid := c.noise(2)
		q := c.udp(at, client, peer, listen, ports[i], dhtQuery(nodeID, infoHash, tid))
		switch {
		case u%20 == 7:
			c.portUnreachable(at+rtt, peer, client, q, peer.hops)
		case u%6 == 2:
			// a node that left the DHT: libtorrent does not re-send
		default:
			c.udp(at+rtt, peer, client, ports[i], listen, dhtReply(c, tid))
		}
	}
}

// peerWire is a BitTorrent connection that works: handshake, bitfield,
// interested, unchoke, three block requests and the first block's first
// segments; the client's stack ACKs every second segment.
func (c *capture) peerWire(k *conn, at, rtt time.Duration, infoHash, peerID []byte) {
	hs := func(id []byte) []byte {
		b := append([]byte("\x13BitTorrent protocol"), 0, 0, 0, 0, 0, 0x10, 0, 0x05)
		return append(append(b, infoHash...), id...)
	}
	at = k.connected(at, rtt) + 100*time.Microsecond
	k.seg(at, true, fPSH, hs(peerID))
	at += rtt
	k.seg(at, false, fPSH, append(hs(c.peerID()), bitfield(c)...))
	at += 300 * time.Microsecond
	k.seg(at, true, fPSH, []byte{0, 0, 0, 1, 2}) // interested
	at += rtt
	k.seg(at, false, fPSH, []byte{0, 0, 0, 1, 1}) // unchoke
	at += 200 * time.Microsecond
	req := make([]byte, 0, 51)
	for b := range 3 {
		req = append(req, 0, 0, 0, 13, 6, 0, 0, 0, 7, 0, byte(b<<6), 0, 0, 0, 0, 0x40, 0)
	}
	k.seg(at, true, fPSH, req)
	at += rtt
	for s := range 4 {
		k.seg(at, false, 0, c.noise(1460))
		if s%2 == 1 {
			k.seg(at+80*time.Microsecond, true, 0, nil)
		}
		at += 120 * time.Microsecond
	}
}

// clients are other clients' peer id prefixes (Azureus-style).
var clients = []string{"-TR4060-", "-lt0D80-", "-qB4630-", "-DE2110-"}

// peerID is a remote peer's id: its client's prefix and 12 random bytes.
func (c *capture) peerID() []byte {
	return append([]byte(clients[c.rng.IntN(len(clients))]), c.noise(12)...)
}

// bitfield is a peer's bitfield message for a torrent of 1200 pieces.
func bitfield(c *capture) []byte {
	const n = 150
	return append([]byte{0, 0, 0, n + 1, 5}, c.noise(n)...)
}

// dhtQuery is a BEP 5 get_peers query.
func dhtQuery(nodeID, infoHash, tid []byte) []byte {
	return []byte(fmt.Sprintf("d1:ad2:id20:%s9:info_hash20:%se1:q9:get_peers1:t2:%s1:v4:LT\x02\x001:y1:qe",
		nodeID, infoHash, tid))
}

// dhtReply is a get_peers answer with eight closer nodes and a token.
func dhtReply(c *capture, tid []byte) []byte {
	return []byte(fmt.Sprintf("d1:rd2:id20:%s5:nodes208:%s5:token8:%se1:t2:%s1:y1:re",
		c.noise(20), c.noise(208), c.noise(8), tid))
}

var p2pSkype = Case{
	Name: "p2p-skype", Class: "p2p", Label: "benign",
	Description: "Skype-like UDP client on Windows 10: one UDP port, 150 peers over 2.5 minutes, each on " +
		"its own random port; 129 answer and exchange a few more datagrams, 21 stay silent " +
		"(one re-send each)",
	seed: 202, start: day(5), build: buildSkype,
}

// buildSkype: a classic (peer-to-peer era) Skype client keeping in touch
// with its supernode candidates and contacts: obfuscated datagrams of 20-80
// bytes from its one listening port to each peer's own random port.
func buildSkype(c *capture) {
	c.gw = c.host(ip4{198, 18, 41, 1}, linux, 0)
	client := c.host(ip4{198, 18, 41, 10}, windows10, 0)
	const listen = 33860
	addrs, ports := c.peerAddrs(150)
	for i, a := range addrs {
		peer := c.remotePeer(a)
		at := time.Duration(i)*time.Second + c.jitter(time.Second)
		rtt := c.wanRTT(20, 180)
		c.udp(at, client, peer, listen, ports[i], c.noise(20+c.rng.IntN(60)))
		if i%7 == 3 { // offline or behind a NAT that drops it
			c.udp(at+2*time.Second, client, peer, listen, ports[i], c.noise(20+c.rng.IntN(60)))
			continue
		}
		for n := c.rng.IntN(4); ; n-- {
			c.udp(at+rtt, peer, client, ports[i], listen, c.noise(20+c.rng.IntN(60)))
			if n == 0 {
				break
			}
			at += time.Second + c.jitter(4*time.Second)
			c.udp(at, client, peer, listen, ports[i], c.noise(20+c.rng.IntN(60)))
		}
	}
}
