package publish

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/portsnare/portsnare/internal/render"
)

// An envelope is what the spool holds for one alert: what the message
// needs besides the prefix, so that sending does not parse the JSON again.
//
//	version u8 | len u16 | subject (without prefix) | len u16 | msg id | alert JSON
type envelope struct {
	subject string // relative: alert.<sensor>.<action>
	id      string // Nats-Msg-Id: event.id
	data    []byte // the alert JSON
}

const envelopeVersion = 1

// encodeDoc builds d's envelope: the routing the message needs and the
// rendered document, as standard output shows it.
func encodeDoc(d *render.Document) ([]byte, error) {
	subject, id := relSubject(d), d.ID
	if len(subject) > 0xffff || len(id) > 0xffff {
		return nil, errors.New("sensor name, action or event id too long")
	}
	var b bytes.Buffer
	b.Grow(1024)
	b.WriteByte(envelopeVersion)
	b.Write(binary.LittleEndian.AppendUint16(nil, uint16(len(subject))))
	b.WriteString(subject)
	b.Write(binary.LittleEndian.AppendUint16(nil, uint16(len(id))))
	b.WriteString(id)
	b.Write(d.Body)
	return b.Bytes(), nil
}

var errEnvelope = errors.New("not a portsnare spool envelope")

func decodeEnvelope(b []byte) (envelope, error) {
	var e envelope
	if len(b) < 1 || b[0] != envelopeVersion {
		return e, errEnvelope
	}
	b = b[1:]
	field := func() (string, bool) {
		if len(b) < 2 {
			return "", false
		}
		n := int(binary.LittleEndian.Uint16(b))
		if len(b) < 2+n {
			return "", false
		}
		s := string(b[2 : 2+n])
		b = b[2+n:]
		return s, true
	}
	var ok1, ok2 bool
	e.subject, ok1 = field()
	e.id, ok2 = field()
	if !ok1 || !ok2 || len(b) == 0 {
		return e, errEnvelope
	}
	e.data = b
	return e, nil
}
