package honeyport

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// decoy is the sockets of one decoy port, one per bind address that could
// be opened.
type decoy struct {
	port  Port
	socks map[netip.Addr]*decoySocket
}

type decoySocket struct {
	inode  uint64
	ln     net.Listener // TCP
	pc     *net.UDPConn // UDP
	closed chan struct{}
}

func (s *decoySocket) close() {
	close(s.closed) // wakes an accept loop sleeping off an error
	if s.ln != nil {
		s.ln.Close()
	} else {
		s.pc.Close()
	}
}

func (dc *decoy) close() {
	for _, s := range dc.socks {
		s.close()
	}
}

// reconcile brings the open decoys in line with the plan and the host: it
// reads the sockets the host has now, closes decoys that are no longer
// wanted or that share their port with another socket, and opens the wanted
// ports that nothing else holds. Called with mu held, at start, on every
// recheck and on Reload.
//
// The rule it keeps: a port any other socket holds — listening TCP, bound
// UDP, on any address or family — is never a decoy, and once seen held it
// stays avoided (d.avoid). The look in /proc/net can be stale by the time of
// the bind; the bind then fails with EADDRINUSE, which counts the same.
func (d *Decoys) reconcile() {
	p := d.plan.Load()
	var ch changes
	reloaded := d.reloaded
	d.reloaded = false

	ours := map[uint64]bool{}
	for _, dc := range d.held {
		for _, s := range dc.socks {
			ours[s.inode] = true
		}
	}
	others := map[Port]netip.AddrPort{}
	socks, err := d.procNet()
	if err != nil {
		// Binding still refuses every port a listener holds; only the
		// sockets bound to one address beside a decoy's go unnoticed.
		d.log.Warn("honeyport: cannot read the host's sockets; relying on bind alone", "err", err)
	}
	for _, s := range socks {
		if s.holds() && !ours[s.Inode] {
			others[s.Port] = netip.AddrPortFrom(s.Addr, s.Port.Num)
		}
	}

	wanted := map[Port]bool{}
	if p.enabled {
		for _, q := range p.candidates {
			wanted[q] = true
		}
	}
	for q, dc := range d.held {
		if !wanted[q] {
			dc.close()
			delete(d.held, q)
			ch.released = append(ch.released, q)
			continue
		}
		for a, s := range dc.socks { // addresses a reload dropped
			if !slices.Contains(p.addrs, a) {
				s.close()
				delete(dc.socks, a)
			}
		}
		if len(dc.socks) == 0 {
			delete(d.held, q)
			ch.released = append(ch.released, q)
			continue
		}
		// Listening on one address beside a decoy is possible when the
		// decoy is bound to other specific addresses: the service is
		// there now, so the decoy yields the port entirely.
		if o, ok := others[q]; ok {
			dc.close()
			delete(d.held, q)
			d.avoid[q] = true
			d.log.Warn("honeyport: another socket bound a decoy's port; decoy released", "port", q, "other", o)
			ch.released = append(ch.released, q)
		}
	}
	if !p.enabled {
		d.logChanges(ch)
		return
	}
	for _, q := range p.candidates {
		if d.avoid[q] && reloaded {
			ch.skipped = append(ch.skipped, q)
		}
		if d.avoid[q] || d.denied[q] {
			continue
		}
		if o, ok := others[q]; ok {
			d.avoid[q] = true
			d.log.Debug("honeyport: port in use on the host; no decoy", "port", q, "by", o)
			ch.skipped = append(ch.skipped, q)
			continue
		}
		d.openPort(q, p.addrs, &ch)
	}
	d.logChanges(ch)
}

// openPort binds the addresses of q not yet open. If any bind finds the
// port in use, the port's other sockets are closed too: a service holding
// it on one address or family may want all of them.
func (d *Decoys) openPort(q Port, addrs []netip.Addr, ch *changes) {
	dc := d.held[q]
	isNew := dc == nil
	if isNew {
		dc = &decoy{port: q, socks: map[netip.Addr]*decoySocket{}}
	}
	for _, a := range addrs {
		if dc.socks[a] != nil {
			continue
		}
		c, ln, err := open(q, a)
		switch classify(err) {
		case bound:
			s := &decoySocket{ln: ln, closed: make(chan struct{})}
			if ln != nil {
				s.inode = inode(ln.(*net.TCPListener))
				d.wg.Go(func() { d.acceptLoop(ln.(*net.TCPListener), s, q) })
			} else {
				s.pc = c.(*net.UDPConn)
				s.inode = inode(s.pc)
				d.wg.Go(func() { d.readLoop(s.pc, s, q, a) })
			}
			dc.socks[a] = s
		case inUse:
			dc.close()
			delete(d.held, q)
			d.avoid[q] = true
			ch.skipped = append(ch.skipped, q)
			d.log.Debug("honeyport: port in use on the host; no decoy", "port", q, "addr", a)
			return
		case denied:
			dc.close()
			delete(d.held, q)
			d.denied[q] = true
			ch.denied = append(ch.denied, q)
			return
		case unavailable:
			key := a.String() + "/" + protoName(q.Proto)
			if !d.unavail[key] {
				d.unavail[key] = true
				d.log.Info("honeyport: address not available; will retry at each recheck", "addr", a, "proto", protoName(q.Proto), "err", err)
			}
		default:
			d.log.Warn("honeyport: cannot open decoy; will retry at the next recheck", "port", q, "addr", a, "err", err)
		}
	}
	if len(dc.socks) > 0 {
		d.held[q] = dc
		if isNew {
			ch.opened = append(ch.opened, q)
		}
	}
}

// changes is what one reconcile did, logged as one line rather than one
// per port.
type changes struct {
	opened, released, skipped, denied []Port
}

func (d *Decoys) logChanges(ch changes) {
	if len(ch.denied) > 0 {
		d.log.Warn("honeyport: no permission to bind ports below 1024; grant CAP_NET_BIND_SERVICE or drop them from honeyport.ports", "ports", portList(ch.denied))
	}
	if len(ch.opened)+len(ch.released)+len(ch.skipped) == 0 {
		return
	}
	d.log.Info("honeyport: decoys changed", "held", len(d.held),
		"opened", portList(ch.opened), "released", portList(ch.released), "in_use", portList(ch.skipped))
}

func portList(ps []Port) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}

// String is "tcp 0.0.0.0:23".
func (h HeldPort) String() string {
	return fmt.Sprintf("%s %s", protoName(h.Proto), h.Addr)
}
