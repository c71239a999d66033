package honeyport

// Stats are the decoys' counters since New, for metrics. Counts only grow;
// ActiveConns and PortsHeld are the state now.
type Stats struct {
	Touches        uint64 // delivered to the callback
	TouchesDropped uint64 // dropped because the callback fell behind (queue full)
	ActiveConns    int    // connections open now (within the caps)
	Rejected       uint64 // connections reset at once because a cap was reached
	AcceptErrors   uint64 // failed accepts and UDP reads, each followed by a backoff
	PortsHeld      int    // ports with at least one decoy socket open
	SocketsHeld    int    // decoy sockets open (ports × addresses)

	UDPReplies        uint64 // replies sent by UDP decoys
	UDPRepliesLimited uint64 // replies withheld by udp_reply_rate
}

// Stats returns the counters.
func (d *Decoys) Stats() Stats {
	active, rejected := d.limits.counts()
	s := Stats{
		Touches:           d.queue.delivered.Load(),
		TouchesDropped:    d.queue.dropped.Load(),
		ActiveConns:       active,
		Rejected:          rejected,
		AcceptErrors:      d.acceptErrors.Load(),
		UDPReplies:        d.udpReplies.Load(),
		UDPRepliesLimited: d.udpRepliesLimited.Load(),
	}
	d.mu.Lock()
	s.PortsHeld = len(d.held)
	for _, dc := range d.held {
		s.SocketsHeld += len(dc.socks)
	}
	d.mu.Unlock()
	return s
}
