package sensor

import (
	"testing"

	"github.com/google/gopacket/layers"
	"golang.org/x/net/bpf"
)

// TestCaptureFilter runs the kernel filter in x/net/bpf's virtual machine
// on the packets it must keep and those it drops.
func TestCaptureFilter(t *testing.T) {
	raw, err := captureFilter(256, false)
	if err != nil {
		t.Fatal(err)
	}
	prog, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("the filter does not disassemble")
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	syn := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "S", optMSS))
	data := v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "PA"), gopaPayload("GET / HTTP/1.1\r\n"))
	tiny := split4(syn, 8)
	cases := []struct {
		name string
		pkt  []byte
		keep bool
	}{
		{"syn", eth4(syn), true},
		{"rst", eth4(v4(t, target, scanner, layers.IPProtocolTCP, tcp(80, 40000, "R"))), true},
		{"bare-ack", eth4(v4(t, scanner, target, layers.IPProtocolTCP, tcp(40000, 80, "A"))), true},
		{"data-segment", eth4(data), false},
		{"udp", eth4(v4(t, scanner, target, layers.IPProtocolUDP, udp(40000, 53), gopaPayload("q"))), true},
		{"ipv6", eth6(v6(t, scanner6, target6, layers.IPProtocolTCP, tcp(40000, 80, "PA"), gopaPayload("x"))), true},
		// nmap -f: the first fragment holds only ports and sequence number.
		{"tiny-first-fragment", tiny[0], true},
		{"middle-fragment", tiny[1], true},
		{"last-fragment", tiny[2], true},
		{"data-segment-fragment", split4(data, 16)[1], true},
	}
	for _, c := range cases {
		n, err := vm.Run(c.pkt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if (n > 0) != c.keep {
			t.Errorf("%s: filter returned %d, want keep=%v", c.name, n, c.keep)
		}
	}
}
