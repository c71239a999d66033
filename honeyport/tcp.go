package honeyport

import (
	"bytes"
	"errors"
	"net"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// countLimit stops a connection once the client has sent this much: Bytes
// is counted up to here, and a client streaming data does not keep a
// connection for the whole deadline.
const countLimit = 64 << 10

// Accept errors are retried after a pause that doubles from acceptBackoffMin
// to acceptBackoffMax, as net/http does: out of file descriptors (EMFILE)
// the pending connection stays in the backlog, and retrying at once would
// spin.
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
)

func (d *Decoys) acceptLoop(ln *net.TCPListener, s *decoySocket, port Port) {
	var backoff time.Duration
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			d.acceptErrors.Add(1)
			backoff = min(max(2*backoff, acceptBackoffMin), acceptBackoffMax)
			d.log.Debug("honeyport: accept failed", "port", port, "err", err, "retry_in", backoff)
			if !sleep(backoff, s.closed) {
				return
			}
			continue
		}
		backoff = 0
		d.accepted(c, port)
	}
}

// sleep waits for d unless done closes first; it reports whether it slept.
func sleep(d time.Duration, done <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}

// accepted handles one completed handshake: it is a touch whatever
// happens next. A connection over a cap is reset at once (linger 0 sends a
// RST and leaves no TIME_WAIT behind) and its touch carries no bytes; one
// within the caps gets a goroutine of its own, bounded by max_conns.
func (d *Decoys) accepted(c *net.TCPConn, port Port) {
	now := time.Now()
	src, dst := addrPort(c.RemoteAddr()), addrPort(c.LocalAddr())
	t := detect.Touch{
		Time: now, Src: src.Addr().Unmap(), Dst: dst.Addr().Unmap(),
		SrcPort: src.Port(), DstPort: dst.Port(),
		Proto: detect.ProtoTCP, Handshake: true,
	}
	if !d.limits.acquire(t.Src, c) {
		c.SetLinger(0)
		c.Close()
		d.touch(t)
		return
	}
	p := d.plan.Load()
	d.wg.Go(func() {
		defer d.limits.release(t.Src, c)
		defer c.Close()
		converse(c, p, port, now, &t)
		d.touch(t)
	})
}

// converse greets, records and answers under one deadline for the whole
// connection. Nothing the client sends is parsed: the only decision taken
// on it is that something arrived, which is when a client-first banner
// (HTTP) answers.
func converse(c net.Conn, p *plan, port Port, now time.Time, t *detect.Touch) {
	c.SetDeadline(now.Add(p.readTimeout))
	b := p.banners[port]
	if b != nil && b.greeting != nil {
		if _, err := c.Write(b.greeting(now)); err != nil {
			return
		}
		t.Banner = b.name
	}
	buf := make([]byte, p.recordBytes)
	var scratch []byte // counts what overflows buf, allocated only if needed
	kept, total := 0, 0
	for total < countLimit {
		var n int
		var err error
		if kept < len(buf) {
			n, err = c.Read(buf[kept:])
			kept += n
		} else {
			if scratch == nil {
				scratch = make([]byte, 512)
			}
			n, err = c.Read(scratch)
		}
		total += n
		if n > 0 && b != nil && b.reply != nil {
			if _, werr := c.Write(b.reply(time.Now())); werr == nil {
				t.Banner = b.name
			}
			break
		}
		if err != nil {
			break
		}
	}
	t.Bytes = total
	if kept > 0 {
		t.First = buf[:kept:kept]
		if kept < len(buf)/2 {
			t.First = bytes.Clone(t.First) // the engine keeps First: do not pin the rest of buf
		}
	}
}
