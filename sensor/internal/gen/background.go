package gen

import (
	"math/rand/v2"

	"github.com/google/gopacket/layers"
)

// convKind is the kind of a background conversation.
type convKind uint8

const (
	convIdle    convKind = iota // slot free: start a new conversation
	convSession                 // a TCP session: handshake, request, response, close
	convRefused                 // a connection refused: SYN, RST-ACK
	convDNS                     // a DNS query and its answer
)

// conv is one background conversation, played one packet at a time.
type conv struct {
	kind           convKind
	step           int
	client, server [4]byte
	cport, sport   uint16
	cseq, sseq     uint32
	cid, sid       uint16 // IP ids, incremented per packet as Linux does per flow
	req, resp      int
}

// background interleaves many conversations, so that the capture shows
// overlapping flows as a busy network does.
type background struct {
	rng     *rand.Rand
	pool    [256]conv
	payload []byte
}

var (
	dnsServer   = [4]byte{198, 18, 0, 53}
	serverPorts = [...]uint16{443, 443, 443, 80, 22}
)

func newBackground(rng *rand.Rand) *background {
	bg := &background{rng: rng, payload: make([]byte, 1500)}
	for i := range bg.payload {
		bg.payload[i] = byte(rng.Uint32())
	}
	return bg
}

// next fills p with the next background packet (p.at is left to the caller).
func (bg *background) next(p *pkt) {
	c := &bg.pool[bg.rng.IntN(len(bg.pool))]
	if c.kind == convIdle {
		bg.start(c)
	}
	if c.play(p, bg.payload) {
		c.kind = convIdle
	}
}

// start begins a new conversation in c: 83% sessions, 2% refused, 15% DNS.
func (bg *background) start(c *conv) {
	r := bg.rng
	*c = conv{
		client: [4]byte{198, 18, byte(32 + r.IntN(32)), byte(1 + r.IntN(254))},
		server: [4]byte{198, 18, 1, byte(1 + r.IntN(16))},
		cport:  uint16(32768 + r.IntN(28232)),
		sport:  serverPorts[r.IntN(len(serverPorts))],
		cseq:   r.Uint32(),
		sseq:   r.Uint32(),
		cid:    uint16(r.Uint32()),
		sid:    uint16(r.Uint32()),
		req:    40 + r.IntN(160),
		resp:   100 + r.IntN(400),
	}
	switch n := r.IntN(100); {
	case n < 83:
		c.kind = convSession
	case n < 85:
		c.kind = convRefused
	default:
		c.kind = convDNS
		c.server, c.sport = dnsServer, 53
		c.req, c.resp = 28+r.IntN(20), 60+r.IntN(80)
	}
}

// play fills p with the conversation's next packet and reports whether it
// was the last.
func (c *conv) play(p *pkt, payload []byte) bool {
	step := c.step
	c.step++
	switch c.kind {
	case convDNS:
		if step == 0 {
			c.fromClient(p, layers.IPProtocolUDP, 0, payload[:c.req])
			return false
		}
		c.fromServer(p, layers.IPProtocolUDP, 0, payload[:c.resp])
		return true
	case convRefused:
		if step == 0 {
			c.fromClient(p, layers.IPProtocolTCP, fSYN, nil)
			p.opts, p.win = optsFull, 64240
			return false
		}
		c.fromServer(p, layers.IPProtocolTCP, fRST|fACK, nil)
		p.seq, p.ack, p.win = 0, c.cseq+1, 0
		return true
	}
	switch step {
	case 0:
		c.fromClient(p, layers.IPProtocolTCP, fSYN, nil)
		p.opts, p.win = optsFull, 64240
		c.cseq++
	case 1:
		c.fromServer(p, layers.IPProtocolTCP, fSYN|fACK, nil)
		p.opts, p.win = optsFull, 65160
		c.sseq++
	case 2:
		c.fromClient(p, layers.IPProtocolTCP, fACK, nil)
	case 3:
		c.fromClient(p, layers.IPProtocolTCP, fPSH|fACK, payload[:c.req])
		c.cseq += uint32(c.req)
	case 4:
		c.fromServer(p, layers.IPProtocolTCP, fACK, nil)
	case 5:
		c.fromServer(p, layers.IPProtocolTCP, fPSH|fACK, payload[:c.resp])
		c.sseq += uint32(c.resp)
	case 6:
		c.fromClient(p, layers.IPProtocolTCP, fACK, nil)
	case 7:
		c.fromClient(p, layers.IPProtocolTCP, fFIN|fACK, nil)
		c.cseq++
	case 8:
		c.fromServer(p, layers.IPProtocolTCP, fFIN|fACK, nil)
		c.sseq++
	default:
		c.fromClient(p, layers.IPProtocolTCP, fACK, nil)
		return true
	}
	return false
}

func (c *conv) fromClient(p *pkt, proto layers.IPProtocol, flags uint8, data []byte) {
	c.cid++
	*p = pkt{src: c.client, dst: c.server, proto: proto, ttl: 64, ipid: c.cid,
		sport: c.cport, dport: c.sport, flags: flags, seq: c.cseq, ack: c.sseq, win: 502, payload: data}
}

func (c *conv) fromServer(p *pkt, proto layers.IPProtocol, flags uint8, data []byte) {
	c.sid++
	*p = pkt{src: c.server, dst: c.client, proto: proto, ttl: 63, ipid: c.sid,
		sport: c.sport, dport: c.cport, flags: flags, seq: c.sseq, ack: c.cseq, win: 509, payload: data}
}
