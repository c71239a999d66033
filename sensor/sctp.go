package sensor

import (
	"encoding/binary"
	"errors"

	"github.com/portsnare/portsnare/detect"
)

// SCTP chunk types that open an association or answer the opening.
const (
	sctpInit    = 1
	sctpInitAck = 2
	sctpAbort   = 6
)

// sctpPacket maps an SCTP packet by its chunks: INIT probes, INIT ACK and
// ABORT replies.
func (d *Decoder) sctpPacket() outcome {
	if detect.IsGroup(d.net.dst) || d.net.src.IsMulticast() {
		return outIgnored // SCTP associations are unicast
	}
	chunk, found, err := sctpControl(d.sctp.Payload)
	switch {
	case err != nil:
		return d.broken()
	case !found:
		return outIgnored // DATA, SACK, HEARTBEAT...: an association already up
	}
	switch chunk {
	case sctpInit:
		d.probe = detect.Probe{
			Time:      d.ts,
			Src:       d.net.src,
			Dst:       d.net.dst,
			Proto:     detect.ProtoSCTP,
			Technique: detect.TechSCTPInit,
			SrcPort:   uint16(d.sctp.SrcPort),
			DstPort:   uint16(d.sctp.DstPort),
			TTL:       d.net.ttl,
			IPID:      d.net.ipid,
			FP:        d.net.fp,
		}
		return outProbe
	case sctpInitAck:
		return d.sctpReply(detect.Succeeded)
	default:
		return d.sctpReply(detect.Failed)
	}
}

// sctpControl finds the first INIT, INIT ACK or ABORT among the chunks. INIT
// and INIT ACK travel alone, but ABORT may follow other control chunks in
// the same packet. A packet without a whole chunk header, or with a chunk
// length below the header's own size, is an error.
func sctpControl(p []byte) (typ uint8, found bool, err error) {
	if len(p) < 4 {
		return 0, false, errSCTPNoChunk
	}
	for len(p) >= 4 {
		n := int(binary.BigEndian.Uint16(p[2:4]))
		if n < 4 {
			return 0, false, errSCTPChunkLen
		}
		switch p[0] {
		case sctpInit, sctpInitAck, sctpAbort:
			return p[0], true, nil
		}
		n = (n + 3) &^ 3 // chunks are padded to 4 bytes
		if n >= len(p) {
			break
		}
		p = p[n:]
	}
	return 0, false, nil
}

var (
	errSCTPNoChunk  = errors.New("SCTP packet without a chunk")
	errSCTPChunkLen = errors.New("SCTP chunk length below 4")
)

func (d *Decoder) sctpReply(o detect.Outcome) outcome {
	d.reply = detect.Reply{
		Time:       d.ts,
		Prober:     d.net.dst,
		Target:     d.net.src,
		Proto:      detect.ProtoSCTP,
		ProberPort: uint16(d.sctp.DstPort),
		TargetPort: uint16(d.sctp.SrcPort),
		Outcome:    o,
		// An INIT-ACK answers an INIT; an ABORT may end an association.
		AnswersProbe: o == detect.Succeeded,
	}
	return outReply
}
