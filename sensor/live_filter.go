package sensor

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// captureFilter is the kernel filter of a live capture socket. It keeps what
// detection needs and drops bulk payload before it is copied to user space:
//
//   - IPv4 TCP only when it can be a probe or tell an outcome: SYN, FIN or RST
//     set, with ACK or without; ACK clear (NULL, Xmas and odd flag sets); or
//     no payload (bare ACKs, which ACK scans send); data segments are dropped;
//   - every other IPv4 protocol (UDP, ICMP, SCTP, IP-protocol probes), IPv6,
//     ARP and 802.1Q frames, whose headers a classic filter cannot walk cheaply;
//     the snap length keeps them small;
//   - IPv4 fragments, first or later: the decoder reassembles them, and a
//     first fragment may hold too little of the TCP header for the flag test
//     (nmap -f puts 8 bytes in each);
//   - on loopback, the outgoing copy of each packet (the kernel shows every
//     packet on lo twice, once leaving and once arriving).
//
// The program assumes an Ethernet link header, which AF_PACKET gives on
// Ethernet, veth and loopback devices.
func captureFilter(snapLen uint32, loopback bool) ([]bpf.RawInstruction, error) {
	const (
		etherType = 12
		ipStart   = 14
	)
	accept := bpf.RetConstant{Val: snapLen}
	drop := bpf.RetConstant{Val: 0}
	var prog []bpf.Instruction
	if loopback {
		prog = append(prog,
			bpf.LoadExtension{Num: bpf.ExtType},
			bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 4 /* PACKET_OUTGOING */, SkipTrue: 1},
			drop,
		)
	}
	prog = append(prog,
		bpf.LoadAbsolute{Off: etherType, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x0800, SkipTrue: 1}, // IPv4: go on
		accept, // IPv6, VLAN, anything else the decoder will judge
		bpf.LoadAbsolute{Off: ipStart + 6, Size: 2},                               // flags + fragment offset
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x3fff, SkipTrue: 0, SkipFalse: 1}, // MF or an offset
		accept,
		bpf.LoadAbsolute{Off: ipStart + 9, Size: 1}, // protocol
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 6, SkipTrue: 1},
		accept,
		bpf.LoadMemShift{Off: ipStart}, // X = IPv4 header length
		bpf.LoadIndirect{Off: ipStart + 13, Size: 1},                            // TCP flags
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x07, SkipTrue: 0, SkipFalse: 1}, // FIN|SYN|RST
		accept,
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x10, SkipTrue: 1}, // ACK set: look at the payload
		accept,
		// payload = IP total length - IP header length - TCP header length
		bpf.LoadIndirect{Off: ipStart + 12, Size: 1}, // data offset << 4
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xf0},
		bpf.ALUOpConstant{Op: bpf.ALUOpShiftRight, Val: 2}, // TCP header length
		bpf.ALUOpX{Op: bpf.ALUOpAdd},                       // + IP header length
		bpf.StoreScratch{Src: bpf.RegA, N: 0},
		bpf.LoadScratch{Dst: bpf.RegX, N: 0},
		bpf.LoadAbsolute{Off: ipStart + 2, Size: 2}, // IP total length
		bpf.ALUOpX{Op: bpf.ALUOpSub},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0, SkipTrue: 1},
		drop,
		accept,
	)
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assembling the capture filter: %w", err)
	}
	return raw, nil
}
