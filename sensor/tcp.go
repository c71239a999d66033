package sensor

import (
	"encoding/binary"

	"github.com/google/gopacket/layers"

	"github.com/portsnare/portsnare/detect"
)

// TCP flag bits of header byte 13. CWR and ECE are masked off before
// classifying: ECN-capable stacks set them on ordinary segments (and on the
// SYN that negotiates ECN), and no scan technique is told apart by them.
// The probe still carries the whole byte (Probe.Flags), since nmap -O's ECN
// probe and odd flag sets are evidence in themselves.
const (
	tcpFIN       = 0x01
	tcpSYN       = 0x02
	tcpRST       = 0x04
	tcpPSH       = 0x08
	tcpACK       = 0x10
	tcpURG       = 0x20
	tcpFlagsMask = 0x3f
)

// tcpSegment maps a TCP segment: SYN probes, SYN-ACK and RST replies, and the
// flag sets of stealth scans.
func (d *Decoder) tcpSegment() outcome {
	t := &d.tcp
	if detect.IsGroup(d.net.dst) || d.net.src.IsMulticast() {
		return outIgnored // TCP never talks to or from a group
	}
	flags := t.Contents[13] & tcpFlagsMask
	switch {
	case flags&(tcpSYN|tcpACK|tcpRST) == tcpSYN|tcpACK:
		return d.tcpReply(detect.Succeeded)
	case flags&(tcpSYN|tcpRST) == tcpRST:
		return d.tcpReply(detect.Failed)
	case flags&(tcpSYN|tcpRST) == tcpSYN:
		fp := d.tcpFingerprint()
		tech := detect.TechSYN
		if fp&detect.FPFullOptions != 0 {
			tech = detect.TechConnect
		}
		return d.tcpProbe(tech, fp)
	case flags&tcpSYN != 0:
		return outIgnored // SYN with RST: no stack sends it, and it opens nothing
	}

	// Neither SYN nor RST. NULL, FIN and Xmas segments lack ACK, so they
	// cannot belong to a connection, payload or not.
	var tech detect.Technique
	switch {
	case flags == 0:
		tech = detect.TechNULL
	case flags == tcpFIN:
		tech = detect.TechFIN
	case flags == tcpFIN|tcpPSH|tcpURG:
		tech = detect.TechXmas
	case d.tcpPayload() > 0:
		return outIgnored // data of a connection
	case flags == tcpACK:
		tech = detect.TechACK
	case flags == tcpFIN|tcpACK:
		tech = detect.TechMaimon
	default:
		tech = detect.TechTCPOdd
	}
	return d.tcpProbe(tech, d.tcpFingerprint())
}

// tcpPayload is the segment's payload length as the IP header declares it,
// so a snap length that cut the payload off does not make a data segment
// look empty.
func (d *Decoder) tcpPayload() int {
	return max(d.net.claimed-int(d.tcp.DataOffset)*4, len(d.tcp.Payload))
}

// tcpFingerprint describes the segment's options and payload: raw-socket
// scanners send no options or MSS alone, operating systems' connect() sends
// SACK-permitted, timestamps and window scale.
func (d *Decoder) tcpFingerprint() detect.Fingerprint {
	var fp detect.Fingerprint
	var mss, full, other bool
	for i := range d.tcp.Options {
		o := &d.tcp.Options[i]
		switch o.OptionType {
		case layers.TCPOptionKindNop, layers.TCPOptionKindEndList:
			// padding
		case layers.TCPOptionKindMSS:
			mss = true
		case layers.TCPOptionKindTimestamps:
			full = true
			if nmapTimestamp(o.OptionData) {
				fp |= detect.FPNmapOS
			}
		case layers.TCPOptionKindSACKPermitted, layers.TCPOptionKindWindowScale:
			full = true
		default:
			other = true
		}
	}
	switch {
	case !mss && !full && !other:
		fp |= detect.FPNoTCPOptions
	case mss && !full && !other:
		fp |= detect.FPMSSOnly
	}
	if full {
		fp |= detect.FPFullOptions
	}
	if windowsOptions(d.tcp.Options) {
		fp |= detect.FPWindowsOptions
	}
	if d.tcpPayload() > 0 {
		fp |= detect.FPPayload
	}
	return fp
}

// nmapTimestamp reports the timestamp option every TCP probe of nmap's OS
// detection carries (TSval 0xFFFFFFFF, TSecr 0, from nmap's osscan2.cc).
// A stack's TSval is a clock, offset at random per connection, so it takes
// that exact value on about one segment in four billion.
func nmapTimestamp(data []byte) bool {
	return len(data) == 8 && binary.BigEndian.Uint32(data[0:4]) == 0xffffffff &&
		binary.BigEndian.Uint32(data[4:8]) == 0
}

// windowsSYNOptions is the option layout of Windows' SYN, in order: MSS,
// NOP, window scale, NOP, NOP, SACK-permitted, and no timestamps (Windows
// leaves them off unless configured). zmap since 4.1 sends the same layout.
var windowsSYNOptions = [...]layers.TCPOptionKind{
	layers.TCPOptionKindMSS, layers.TCPOptionKindNop, layers.TCPOptionKindWindowScale,
	layers.TCPOptionKindNop, layers.TCPOptionKindNop, layers.TCPOptionKindSACKPermitted,
}

// windowsOptions reports whether the options are exactly Windows' SYN
// layout; the option values vary with the interface and are not compared.
func windowsOptions(opts []layers.TCPOption) bool {
	if len(opts) != len(windowsSYNOptions) {
		return false
	}
	for i, k := range windowsSYNOptions {
		if opts[i].OptionType != k {
			return false
		}
	}
	return true
}

func (d *Decoder) tcpProbe(tech detect.Technique, fp detect.Fingerprint) outcome {
	d.probe = detect.Probe{
		Time:      d.ts,
		Src:       d.net.src,
		Dst:       d.net.dst,
		Proto:     detect.ProtoTCP,
		Technique: tech,
		SrcPort:   uint16(d.tcp.SrcPort),
		DstPort:   uint16(d.tcp.DstPort),
		Seq:       d.tcp.Seq,
		Window:    d.tcp.Window,
		Flags:     d.tcp.Contents[13],
		TTL:       d.net.ttl,
		IPID:      d.net.ipid,
		FP:        fp | d.net.fp,
	}
	return outProbe
}

// tcpReply turns a SYN-ACK or RST around into the orientation of the probe
// it answers. A SYN-ACK answers a SYN; a RST answers a probe for certain
// only when it carries ACK and sequence number 0, which is how a stack
// answers a segment without ACK (RFC 9293 3.10.7.1: a SYN, FIN, NULL or
// Xmas probe to a closed port). A RST that ends a connection carries the
// connection's sequence number.
func (d *Decoder) tcpReply(o detect.Outcome) outcome {
	flags := d.tcp.Contents[13] & tcpFlagsMask
	d.reply = detect.Reply{
		Time:         d.ts,
		Prober:       d.net.dst,
		Target:       d.net.src,
		Proto:        detect.ProtoTCP,
		ProberPort:   uint16(d.tcp.DstPort),
		TargetPort:   uint16(d.tcp.SrcPort),
		Outcome:      o,
		AnswersProbe: o == detect.Succeeded || flags&tcpACK != 0 && d.tcp.Seq == 0,
	}
	return outReply
}
