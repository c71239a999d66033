package honeyport

import (
	"slices"

	"github.com/portsnare/portsnare/detect"
)

// curated is what ports "auto" stands for: services that scanners and worms
// probe all the time and that an edge host or sensor rarely serves. Ports a
// sensor host is likely to serve itself, or to start serving later (22, 53,
// 80, 443, 5353 and the like), are left out on purpose: a decoy that holds a
// port stops a real service from binding it (see the package documentation).
// Whatever a service on the host holds is removed at run time as well.
var curated = []Port{
	tcp(21),    // FTP
	tcp(23),    // telnet: IoT botnets
	tcp(25),    // SMTP: open-relay hunters
	tcp(110),   // POP3
	tcp(135),   // MS RPC endpoint mapper
	tcp(139),   // NetBIOS session (SMB over NetBIOS)
	tcp(143),   // IMAP
	tcp(445),   // SMB
	tcp(1433),  // Microsoft SQL Server
	tcp(1521),  // Oracle TNS
	tcp(2222),  // SSH on the usual alternative port
	tcp(2323),  // telnet, alternative (Mirai)
	tcp(2375),  // Docker API, plain
	tcp(2376),  // Docker API, TLS
	tcp(3306),  // MySQL
	tcp(3389),  // RDP
	tcp(5432),  // PostgreSQL
	tcp(5900),  // VNC
	tcp(5984),  // CouchDB
	tcp(5985),  // WinRM
	tcp(6379),  // Redis
	tcp(7001),  // WebLogic
	tcp(8080),  // HTTP proxies and admin consoles
	tcp(9200),  // Elasticsearch
	tcp(11211), // memcached
	tcp(27017), // MongoDB

	udp(69),    // TFTP
	udp(137),   // NetBIOS name service
	udp(161),   // SNMP
	udp(1434),  // SQL Server browser
	udp(1900),  // SSDP: reflection hunters
	udp(5060),  // SIP
	udp(11211), // memcached: reflection hunters
}

// Curated returns what ports "auto" stands for, before the ports in use on
// the host are taken out.
func Curated() []Port { return slices.Clone(curated) }

func tcp(n uint16) Port { return Port{detect.ProtoTCP, n} }
func udp(n uint16) Port { return Port{detect.ProtoUDP, n} }
