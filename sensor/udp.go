package sensor

import "github.com/portsnare/portsnare/detect"

// udpDatagram maps every UDP datagram to a probe: whether it answers an
// earlier datagram only the engine's flow memory can tell.
func (d *Decoder) udpDatagram() outcome {
	var fp detect.Fingerprint
	if max(d.net.claimed-minUDP, len(d.udp.Payload)) > 0 {
		fp = detect.FPPayload
	}
	d.probe = detect.Probe{
		Time:      d.ts,
		Src:       d.net.src,
		Dst:       d.net.dst,
		Proto:     detect.ProtoUDP,
		Technique: detect.TechUDP,
		SrcPort:   uint16(d.udp.SrcPort),
		DstPort:   uint16(d.udp.DstPort),
		TTL:       d.net.ttl,
		IPID:      d.net.ipid,
		FP:        fp | d.net.fp,
	}
	return outProbe
}
