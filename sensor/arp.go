package sensor

import (
	"encoding/binary"
	"net/netip"

	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// arpAfterLink decodes an ARP packet that follows the Ethernet or 802.1Q
// header the parser stopped at; other EtherTypes stay unsupported.
func (d *Decoder) arpAfterLink() (outcome, bool) {
	var payload []byte
	for i := len(d.decoded) - 1; i >= 0; i-- {
		switch d.decoded[i] {
		case layers.LayerTypeDot1Q:
			if d.vlan.Type != layers.EthernetTypeARP {
				return 0, false
			}
			payload = d.vlan.Payload
		case layers.LayerTypeEthernet:
			if d.eth.EthernetType != layers.EthernetTypeARP {
				return 0, false
			}
			payload = d.eth.Payload
		default:
			continue
		}
		return d.arp(payload), true
	}
	return 0, false
}

// arp maps an IPv4-over-Ethernet ARP request to a probe (an ARP sweep asks
// for many addresses in a row) and a reply to the answer it is. Gratuitous
// announcements and address probes (sender 0.0.0.0) ask about no one else.
func (d *Decoder) arp(b []byte) outcome {
	if len(b) < 28 {
		if d.cut {
			return outTruncated
		}
		return outError
	}
	if binary.BigEndian.Uint16(b[0:2]) != 1 || binary.BigEndian.Uint16(b[2:4]) != 0x0800 || b[4] != 6 || b[5] != 4 {
		return outUnsupported // not IPv4 over Ethernet
	}
	sender := netip.AddrFrom4([4]byte(b[14:18]))
	target := netip.AddrFrom4([4]byte(b[24:28]))
	if sender == target || sender.IsUnspecified() || target.IsUnspecified() {
		return outIgnored
	}
	switch binary.BigEndian.Uint16(b[6:8]) {
	case 1:
		d.probe = detect.Probe{Time: d.ts, Src: sender, Dst: target, Proto: detect.ProtoARP,
			Technique: detect.TechARP, DstPort: detect.ARPPort}
		return outProbe
	case 2:
		d.reply = detect.Reply{Time: d.ts, Prober: target, Target: sender, Proto: detect.ProtoARP,
			TargetPort: detect.ARPPort, Outcome: detect.Succeeded}
		return outReply
	}
	return outIgnored
}
