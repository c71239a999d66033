//go:build linux

package sensor

import "slices"

// WatchDecoys gives the sensor a way to learn the TCP ports decoy listeners
// hold; the engine asks it once a second, so that a SYN to a decoy is a
// touch even when the scanner resets the handshake before accept() returns
// (nmap -sS). ports is called from the engine goroutine and must be safe to
// call from there (honeyport.Decoys.Ports is). Call it before Run.
func (s *Sensor) WatchDecoys(ports func() []uint16) {
	s.decoyPorts = ports
}

// refreshDecoys hands the engine the decoy ports when they changed.
func (s *Sensor) refreshDecoys() {
	if s.decoyPorts == nil {
		return
	}
	ports := s.decoyPorts()
	slices.Sort(ports)
	if slices.Equal(ports, s.lastDecoys) {
		return
	}
	s.lastDecoys = ports
	s.engine.SetDecoyPorts(ports)
}
