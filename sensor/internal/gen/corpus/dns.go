package corpus

import (
	"encoding/binary"
	"strings"
)

// names are what the background clients look up.
var names = []string{"www.example.com", "api.example.net", "updates.example.org", "time.example.com",
	"mail.example.com", "cdn.example.net", "login.example.org", "telemetry.example.com"}

// dnsQuery is a recursive A query for name with id.
func dnsQuery(id uint16, name string) []byte {
	b := binary.BigEndian.AppendUint16(nil, id)
	b = append(b, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0) // RD; one question
	for _, l := range strings.Split(name, ".") {
		b = append(append(b, byte(len(l))), l...)
	}
	return append(b, 0, 0, 1, 0, 1) // root, type A, class IN
}

// dnsAnswer answers query with one A record (a pointer to the question's
// name, TTL 300).
func dnsAnswer(query []byte, a ip4) []byte {
	b := append([]byte(nil), query...)
	b[2], b[3] = 0x81, 0x80 // response, RD, RA
	b[7] = 1                // one answer
	b = append(b, 0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4)
	return append(b, a[:]...)
}
