package honeyport

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// banner is what a decoy says. Server-first protocols (SSH, SMTP, FTP,
// MySQL, telnet) greet on connect; HTTP speaks only once the client has sent
// something. Either way the decoy never looks at what the client sent: the
// reply is fixed, so there is nothing in the decoy an attacker can steer.
type banner struct {
	name     string
	greeting func(now time.Time) []byte // sent on accept
	reply    func(now time.Time) []byte // sent once the client's first bytes arrive, then the connection closes
}

// banners are the names config accepts; "none" (no entry) keeps silent.
var banners = map[string]*banner{
	"ssh":    {name: "ssh", greeting: fixed("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")},
	"smtp":   {name: "smtp", greeting: fixed("220 localhost ESMTP Postfix (Debian/GNU)\r\n")},
	"ftp":    {name: "ftp", greeting: fixed("220 (vsFTPd 3.0.3)\r\n")},
	"telnet": {name: "telnet", greeting: fixed("\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27")}, // DO terminal type, speed, X display, environ: what Linux telnetd opens with
	"mysql":  {name: "mysql", greeting: mysqlGreeting},
	"http":   {name: "http", reply: httpReply},
}

// bannerNames lists the accepted names, for messages and documentation.
func bannerNames() []string {
	names := []string{"none"}
	for n := range banners {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func fixed(s string) func(time.Time) []byte {
	b := []byte(s)
	return func(time.Time) []byte { return b }
}

// mysqlGreeting is a MySQL 5.7 protocol-10 handshake. The thread id and the
// 20-byte scramble are random per connection, as a real server's are, so
// the greeting is not a constant by which every portsnare decoy on the
// Internet could be indexed.
func mysqlGreeting(time.Time) []byte {
	p := []byte{10} // protocol version
	p = append(p, "5.7.44-log\x00"...)
	p = binary.LittleEndian.AppendUint32(p, uint32(rand.IntN(100000)+1))
	scramble := make([]byte, 20)
	for i := range scramble {
		scramble[i] = byte(rand.IntN(94) + 33) // printable, never NUL, as MySQL makes them
	}
	p = append(p, scramble[:8]...)
	p = append(p, 0)
	p = binary.LittleEndian.AppendUint16(p, 0xf7ff) // capabilities, low half (no TLS)
	p = append(p, 0x21)                             // utf8_general_ci
	p = binary.LittleEndian.AppendUint16(p, 0x0002) // autocommit
	p = binary.LittleEndian.AppendUint16(p, 0x81ff) // capabilities, high half (plugin auth)
	p = append(p, 21)                               // scramble length + 1
	p = append(p, make([]byte, 10)...)              // reserved
	p = append(p, scramble[8:]...)
	p = append(p, 0)
	p = append(p, "mysql_native_password\x00"...)
	hdr := []byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), 0} // length, sequence 0
	return append(hdr, p...)
}

const httpBody = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n"

// httpReply answers whatever arrived with nginx's default page, as a
// freshly installed web server would, and says it closes the connection.
func httpReply(now time.Time) []byte {
	return []byte("HTTP/1.1 200 OK\r\n" +
		"Server: nginx/1.22.1\r\n" +
		"Date: " + now.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT") + "\r\n" +
		"Content-Type: text/html\r\n" +
		"Content-Length: " + strconv.Itoa(len(httpBody)) + "\r\n" +
		"Connection: close\r\n\r\n" + httpBody)
}
