package corpus

import (
	"fmt"
	"time"
)

var ftpBounce = Case{
	Name: "ftp-bounce", Class: "windows-retransmit", Label: "scan",
	Scanners: []string{"198.18.20.21"},
	Expect:   &Expect{Action: "portscan", Technique: "connect"},
	Description: "FTP bounce scan (nmap -b) of 150 ports of an internal Linux host, seen beside the " +
		"IIS FTP server on Windows Server 2019 that makes the connections: active-mode data " +
		"connections from port 20, each refused one re-sent twice identically; the remote client " +
		"driving it only talks FTP",
	seed: 103, start: day(3), build: buildFTPBounce,
}

// buildFTPBounce: an attacker on the Internet logs in anonymously to an
// IIS FTP server and, per port, sends PORT with the victim's address and
// LIST. IIS opens the active-mode data connection with connect() from port
// 20 (RFC 959's default data port); Windows re-sends the SYN twice after
// each RST, so a refused port costs a second before IIS answers 425. Open
// ports (22, 80, 111) get the listing, then 226. The capture sits on the
// server's segment: the attacker's packets are 9 hops away and arrive a
// 40 ms round trip after the server's.
func buildFTPBounce(c *capture) {
	c.gw = c.host(ip4{198, 18, 20, 1}, linux, 0)
	ftp := c.host(ip4{198, 18, 20, 21}, windows10, 0)
	victim := c.host(ip4{198, 18, 20, 40}, linux, 0)
	attacker := c.host(ip4{198, 19, 66, 6}, linux, 9)
	rtt := c.wanRTT(38, 44)
	ctl := c.dial(attacker, ftp, 21)
	at := ctl.accepted(0, rtt)
	// reply sends the server's line 300 µs after the command; ask sends the
	// client's next command a round trip after the reply.
	reply := func(line string) {
		at += 300 * time.Microsecond
		ctl.seg(at, false, fPSH, []byte(line))
	}
	ask := func(line string) {
		at += rtt
		ctl.seg(at, true, fPSH, []byte(line))
	}
	at += time.Millisecond
	ctl.seg(at, false, fPSH, []byte("220 Microsoft FTP Service\r\n"))
	ask("USER anonymous\r\n")
	reply("331 Anonymous access allowed, send identity (e-mail name) as password.\r\n")
	ask("PASS -wwwuser@\r\n")
	reply("230 User logged in.\r\n")
	open := map[uint16]bool{22: true, 80: true, 111: true}
	v := victim.addr
	for _, p := range c.ports(1, 150) {
		ask(fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d\r\n", v[0], v[1], v[2], v[3], p>>8, p&0xff))
		reply("200 PORT command successful.\r\n")
		ask("LIST\r\n")
		data := c.dialFrom(ftp, 20, victim, p)
		start := at + 500*time.Microsecond
		if !open[p] {
			// Nothing to say for a second: Windows' delayed ACK fires.
			ctl.seg(at+200*time.Millisecond, false, 0, nil)
			at = data.refused(start, c.lanRTT())
			reply("425 Cannot open data connection.\r\n")
			continue
		}
		at = data.connected(start, c.lanRTT())
		reply("125 Data connection already open; Transfer starting.\r\n")
		at += 200 * time.Microsecond
		data.seg(at, true, fPSH, []byte("03-02-25  09:14AM       <DIR>          pub\r\n"))
		data.seg(at+20*time.Microsecond, true, fFIN, nil)
		at += c.lanRTT()
		data.seg(at, false, 0, nil)
		data.seg(at+30*time.Microsecond, false, fFIN, nil)
		at += c.lanRTT()
		data.seg(at, true, 0, nil)
		reply("226 Transfer complete.\r\n")
	}
	ask("QUIT\r\n")
	reply("221 Goodbye.\r\n")
	ctl.seg(at+50*time.Microsecond, false, fFIN, nil)
	at += rtt
	ctl.seg(at, true, fFIN, nil)
	ctl.seg(at+100*time.Microsecond, false, 0, nil)
}
