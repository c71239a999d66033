package sensor

import (
	"net/netip"

	"github.com/portsnare/portsnare/detect"
)

// Neighbour discovery (RFC 4861) messages the Decoder maps.
const (
	icmp6NeighborSolicit = 135
	icmp6NeighborAdvert  = 136

	// ndpHopLimit is the hop limit every valid NDP message carries: a
	// router decrements it, so 255 proves the sender is on the link.
	ndpHopLimit = 255
	// ndpMinBody is the body after type, code and checksum that both
	// messages have at least: 4 bytes of flags or reserved, the target.
	ndpMinBody = 4 + 16
	// naSolicited is the advertisement's S flag: it answers a solicitation.
	naSolicited = 0x40
)

// ndp maps a neighbour solicitation to a probe of the address it asks for,
// which is how an NDP sweep shows on the link (the IPv6 form of an ARP
// sweep), and a solicited advertisement to its success. body is the message
// after type, code and checksum.
//
// Messages a receiver must discard (RFC 4861 section 7.1: hop limit other
// than 255, code other than 0, a multicast target; RFC 6980: fragmented)
// are ignored: the target drops them, so they probe nothing. So are
// duplicate address detection (from ::, asking about the sender's own
// tentative address) and unsolicited advertisements, which announce the
// sender rather than answer anyone.
func (d *Decoder) ndp(typ, code uint8, body []byte) outcome {
	if len(body) < ndpMinBody {
		return d.broken()
	}
	if d.net.ttl != ndpHopLimit || code != 0 || d.net.fp&detect.FPFragmented != 0 {
		return outIgnored
	}
	addr := netip.AddrFrom16([16]byte(body[4:20]))
	if addr.IsMulticast() || addr.IsUnspecified() {
		return outIgnored
	}
	if typ == icmp6NeighborSolicit {
		if d.net.src.IsUnspecified() || d.net.src == addr {
			return outIgnored
		}
		d.probe = detect.Probe{
			Time:      d.ts,
			Src:       d.net.src,
			Dst:       addr,
			Proto:     detect.ProtoICMPv6,
			Technique: detect.TechNDP,
			DstPort:   detect.NDPType,
			TTL:       d.net.ttl,
		}
		return outProbe
	}
	if body[0]&naSolicited == 0 || d.net.dst.IsMulticast() {
		return outIgnored
	}
	d.reply = detect.Reply{
		Time:       d.ts,
		Prober:     d.net.dst,
		Target:     addr,
		Proto:      detect.ProtoICMPv6,
		TargetPort: detect.NDPType,
		Outcome:    detect.Succeeded,
	}
	return outReply
}
