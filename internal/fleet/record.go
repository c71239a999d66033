package fleet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// BatchVersion is the evidence format's version (field v): a correlator
// refuses batches of a version it does not know rather than misread them.
const BatchVersion = 1

// MaxBatchRecords bounds a batch: the exporter never writes more, and the
// correlator refuses a batch that holds more.
const MaxBatchRecords = 1024

// Batch is one evidence message: a sensor's records of one partition,
// in packet-time order.
type Batch struct {
	V         int       `json:"v"`
	Sensor    string    `json:"sensor"`
	Partition int       `json:"partition"`
	First     time.Time `json:"first"` // packet time of the first record
	Last      time.Time `json:"last"`  // ... and of the last
	Records   []Record  `json:"records"`
}

// Record is one weighed first contact (see detect.Evidence).
type Record struct {
	T       int64      `json:"t"` // packet time, Unix nanoseconds
	Src     netip.Addr `json:"src"`
	Dst     netip.Addr `json:"dst"`
	Proto   uint8      `json:"proto"`
	Port    uint16     `json:"port"`
	Tech    string     `json:"tech"`
	Kind    string     `json:"kind"` // refused, silent, decoy, odd
	Tool    string     `json:"tool,omitempty"`
	Episode string     `json:"episode,omitempty"` // the source's alert episode on this sensor
}

// Time is the record's packet time.
func (r *Record) Time() time.Time { return time.Unix(0, r.T).UTC() }

// recordOf turns the engine's record into its wire form; it allocates
// (the episode id, the names), so it runs when a batch is written.
func recordOf(ev *detect.Evidence) Record {
	return Record{T: ev.Time.UnixNano(), Src: ev.Source, Dst: ev.Target, Proto: ev.Proto, Port: ev.Port,
		Tech: ev.Technique.String(), Kind: ev.Kind.String(), Tool: ev.Tool, Episode: ev.Episode()}
}

// Encode renders b as one line of JSON, and its message id: a digest of
// the content, so that the same batch sent twice (a retry, a replay run
// again) is stored once by JetStream's duplicate window.
func (b *Batch) Encode() (body []byte, id string, err error) {
	body, err = json.Marshal(b)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(body)
	return body, "ev-" + hex.EncodeToString(sum[:16]), nil
}

// DecodeBatch parses and checks an evidence message. The bytes come from
// the bus, so everything is checked: version, bounds, addresses, names.
func DecodeBatch(data []byte) (*Batch, error) {
	var b Batch
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("evidence batch: %w", err)
	}
	switch {
	case b.V != BatchVersion:
		return nil, fmt.Errorf("evidence batch: version %d, want %d", b.V, BatchVersion)
	case b.Sensor == "":
		return nil, errors.New("evidence batch: no sensor")
	case len(b.Records) > MaxBatchRecords:
		return nil, fmt.Errorf("evidence batch: %d records, at most %d", len(b.Records), MaxBatchRecords)
	}
	for i := range b.Records {
		r := &b.Records[i]
		if !r.Src.IsValid() || !r.Dst.IsValid() {
			return nil, fmt.Errorf("evidence batch: record %d: no source or target", i)
		}
		if _, ok := detect.ParseTechnique(r.Tech); !ok {
			return nil, fmt.Errorf("evidence batch: record %d: unknown technique %q", i, r.Tech)
		}
		if _, ok := detect.ParseEvidenceKind(r.Kind); !ok {
			return nil, fmt.Errorf("evidence batch: record %d: unknown kind %q", i, r.Kind)
		}
	}
	return &b, nil
}
