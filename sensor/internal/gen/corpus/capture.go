package corpus

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// snapLen is the capture's snapshot length: headers in full and the first
// bytes of payload, as the recorded cases were taken (tcpdump -s 128).
const snapLen = 128

// record is one captured frame at an offset from the capture's start.
type record struct {
	at    time.Duration
	n     int // creation order: frames at the same instant keep it
	frame []byte
}

// capture collects a case's frames in any order and writes them sorted by
// time.
type capture struct {
	start time.Time
	rng   *rand.Rand
	enc   *encoder
	// gw is the router between the segment and the hosts behind it; frames
	// to or from those carry its MAC.
	gw   *node
	recs []record
}

func newCapture(start time.Time, seed uint64) *capture {
	return &capture{start: start, rng: rand.New(rand.NewPCG(seed, 0x5eed)), enc: newEncoder()}
}

func (c *capture) frame(at time.Duration, f []byte) {
	c.recs = append(c.recs, record{at: at, n: len(c.recs), frame: f})
}

// ip sends an IPv4 datagram from one node to another: the Ethernet
// addresses are the hosts' own on the segment, the gateway's for a host
// behind it.
func (c *capture) ip(at time.Duration, from, to *node, datagram []byte) {
	src, dst := from.mac, to.mac
	if from.hops > 0 {
		src = c.gw.mac
	}
	if to.hops > 0 {
		dst = c.gw.mac
	}
	c.frame(at, ether(dst, src, etherIPv4, datagram))
}

// arp sends an ARP packet; a request to broadcast is ethDst broadcast.
func (c *capture) arp(at time.Duration, ethDst mac, op uint16, from *node, tha mac, tpa ip4) {
	c.frame(at, ether(ethDst, from.mac, etherARP, arp(op, from.mac, from.addr, tha, tpa)))
}

// pcap returns the capture file: frames sorted by time, cut to snapLen.
func (c *capture) pcap() []byte {
	slices.SortFunc(c.recs, func(a, b record) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.n, b.n))
	})
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if err := w.WriteFileHeader(snapLen, layers.LinkTypeEthernet); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	for _, r := range c.recs {
		ts := c.start.Add(r.at).Truncate(time.Microsecond)
		data := r.frame[:min(len(r.frame), snapLen)]
		ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(data), Length: len(r.frame)}
		if err := w.WritePacket(ci, data); err != nil {
			panic(err)
		}
	}
	return b.Bytes()
}

// compress gzips a capture with a fixed header (no name, no time), so the
// output depends on the input alone.
func compress(p []byte) []byte {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := zw.Write(p); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}
