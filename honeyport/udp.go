package honeyport

import (
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// udpWriteTimeout bounds a reply's send; a full socket buffer drops the
// reply rather than stall the read loop.
const udpWriteTimeout = 100 * time.Millisecond

// readLoop serves one UDP decoy socket. Every datagram unicast to the host
// is a touch (without Handshake: its source may be forged). Broadcasts and
// multicasts are not: they are addressed to no one in particular, and a
// LAN's NetBIOS and SSDP chatter would otherwise look like probes.
func (d *Decoys) readLoop(c *net.UDPConn, s *decoySocket, port Port, bindAddr netip.Addr) {
	buf := make([]byte, 64<<10) // any datagram whole, so Bytes is its true size
	oob := make([]byte, 128)
	var backoff time.Duration
	for {
		n, oobn, _, src, err := c.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			d.acceptErrors.Add(1)
			backoff = min(max(2*backoff, acceptBackoffMin), acceptBackoffMax)
			if !sleep(backoff, s.closed) {
				return
			}
			continue
		}
		backoff = 0
		info := parsePktinfo(oob[:oobn])
		if !info.unicastToUs() {
			continue
		}
		dst := bindAddr
		if info.known {
			dst = info.dst
		}
		now := time.Now()
		p := d.plan.Load()
		t := detect.Touch{
			Time: now, Src: src.Addr().Unmap(), Dst: dst,
			SrcPort: src.Port(), DstPort: port.Num,
			Proto: detect.ProtoUDP, Bytes: n,
		}
		if n > 0 {
			t.First = append([]byte(nil), buf[:min(n, p.recordBytes)]...)
		}
		if b := p.banners[port]; b != nil && n > 0 && mayReplyTo(src) {
			if d.replies.allow(t.Src, now) {
				if d.reply(c, b, now, n, dst, info.known, src) {
					t.Banner = b.name
				}
			} else {
				d.udpRepliesLimited.Add(1)
			}
		}
		d.touch(t)
	}
}

// reply sends b's bytes, cut to the size of the request (a decoy must
// never amplify), from the address the request was sent to.
func (d *Decoys) reply(c *net.UDPConn, b *banner, now time.Time, reqLen int, from netip.Addr, wildcard bool, to netip.AddrPort) bool {
	var msg []byte
	if b.greeting != nil {
		msg = b.greeting(now)
	} else {
		msg = b.reply(now)
	}
	msg = msg[:min(len(msg), reqLen)]
	var oob []byte
	if wildcard {
		oob = sourceOOB(from)
	}
	c.SetWriteDeadline(now.Add(udpWriteTimeout))
	if _, _, err := c.WriteMsgUDPAddrPort(msg, oob, to); err != nil {
		d.log.Debug("honeyport: UDP reply failed", "to", to, "err", err)
		return false
	}
	d.udpReplies.Add(1)
	return true
}

// mayReplyTo refuses sources that no genuine client has: non-unicast
// addresses, and privileged source ports, from which a forged request
// would start a reply loop with a real service (echo, chargen, another
// decoy) rather than reach a scanner, whose sockets use ephemeral ports.
func mayReplyTo(src netip.AddrPort) bool {
	a := src.Addr().Unmap()
	return src.Port() >= 1024 && a.IsValid() && !a.IsUnspecified() && !detect.IsGroup(a)
}
