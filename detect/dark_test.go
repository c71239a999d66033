package detect

import (
	"net/netip"
	"testing"
	"time"
)

// A SYN or datagram to a dark port of a watched host is a passive touch;
// the same port on another host, or a segment that is no opening, is not.
func TestDarkPortTouch(t *testing.T) {
	b := newBed(t, func(c *Config) {
		c.DarkPorts = []uint16{4444, 161}
		c.DarkHosts = []netip.Addr{ip("198.18.0.2")}
	})
	b.syn(ip("203.0.113.7"), ip("198.18.0.3"), 40000, 4444, 1) // not a watched host
	b.tcpFlags(ip("203.0.113.8"), ip("198.18.0.2"), 40000, 4444, TechACK, tcpACK, FPNoTCPOptions)
	b.advance(time.Second)
	if len(b.alerts) != 0 {
		t.Fatalf("alerts before any dark touch: %v", b.alerts[0].Message)
	}
	b.udp(ip("203.0.113.9"), ip("198.18.0.2"), 5000, 161)
	a := b.only(ActionHoneyport)
	hp := a[0].Portsnare.Honeyport
	if a[0].Source.IP != "203.0.113.9" || hp == nil || !hp.Spoofable || hp.Handshake || hp.Protocol != "udp" || hp.Port != 161 {
		t.Errorf("touch alert %+v honeyport %+v", a[0], hp)
	}
}

// With no hosts named, dark ports are watched on every destination, as a
// replay does.
func TestDarkPortsOnEveryHost(t *testing.T) {
	b := newBed(t, func(c *Config) { c.DarkPorts = []uint16{4444} })
	b.syn(ip("203.0.113.7"), ip("198.18.0.3"), 40000, 4444, 1)
	if n := b.count(ActionHoneyport, PhaseStart); n != 1 {
		t.Errorf("%d honeyport starts, want 1", n)
	}
}

// A half-open scan of decoy ports (nmap -sS: the scanner resets the
// decoy's SYN-ACK, accept() never returns) is seen by capture alone; a
// connect() to a decoy is one touch, though capture saw its SYN and the
// decoy accepted it.
func TestDecoySYNIsATouch(t *testing.T) {
	b := newBed(t, func(c *Config) { c.DarkHosts = []netip.Addr{ip("198.18.0.2")} })
	b.e.SetDecoyPorts([]uint16{2323, 8081})
	scanner := ip("203.0.113.7")
	b.syn(scanner, ip("198.18.0.2"), 40000, 2323, 1)
	b.syn(scanner, ip("198.18.0.2"), 40000, 8081, 1)
	b.advance(time.Second)
	a := b.only(ActionHoneyport)
	if hp := a[0].Portsnare.Honeyport; hp == nil || hp.Handshake || !hp.Spoofable || a[0].Message == "" {
		t.Fatalf("half-open touch %+v", a[0])
	}

	b = newBed(t, func(c *Config) { c.DarkHosts = []netip.Addr{ip("198.18.0.2")} })
	b.e.SetDecoyPorts([]uint16{2323})
	client := ip("203.0.113.8")
	b.connect(client, ip("198.18.0.2"), 41000, 2323, 5)
	b.e.Touch(&Touch{Time: b.now, Src: client, Dst: ip("198.18.0.2"), SrcPort: 41000, DstPort: 2323,
		Proto: ProtoTCP, Handshake: true, Banner: "telnet"})
	b.flush()
	end := b.alerts[len(b.alerts)-1]
	if hp := end.Portsnare.Honeyport; hp == nil || hp.Touches != 1 || !hp.Handshake || hp.Banner != "telnet" {
		t.Errorf("connect to a decoy: %+v", hp)
	}
}
