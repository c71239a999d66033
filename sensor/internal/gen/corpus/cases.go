package corpus

import (
	"encoding/json"
	"time"
)

// Case is one capture of the corpus and its label.
type Case struct {
	// Name is the capture's file name without extension.
	Name string
	// Class is the failure class of issue 9 the capture exercises.
	Class string
	// Label is "scan" or "benign".
	Label string
	// Scanners are the addresses a scan capture must be alerted for.
	Scanners []string
	// Expect is what the alert should say, where the packets show it.
	Expect      *Expect
	Description string

	seed  uint64
	start time.Time
	build func(*capture)
}

// Expect is the shape an alert for the case's scanners should report.
type Expect struct {
	Action    string `json:"action,omitempty"`
	Technique string `json:"technique,omitempty"`
	Tool      string `json:"tool,omitempty"`
}

// Label is one entry of labels.json, the format the recorded corpus and
// cmd/evaluate share.
type Label struct {
	File        string   `json:"file"`
	Class       string   `json:"class"`
	Label       string   `json:"label"`
	Scanners    []string `json:"scanners"`
	Expect      *Expect  `json:"expect,omitempty"`
	Description string   `json:"description"`
}

// File is the capture's file name.
func (c Case) File() string { return c.Name + ".pcap.gz" }

// Pcap builds the capture and returns it as an uncompressed pcap file.
func (c Case) Pcap() []byte {
	cp := newCapture(c.start, c.seed)
	c.build(cp)
	return cp.pcap()
}

// Gzip builds the capture as it is stored: gzip-compressed.
func (c Case) Gzip() []byte { return compress(c.Pcap()) }

// Labels returns labels.json for cases.
func Labels(cases []Case) []byte {
	ls := make([]Label, 0, len(cases))
	for _, c := range cases {
		l := Label{File: c.File(), Class: c.Class, Label: c.Label, Scanners: c.Scanners,
			Expect: c.Expect, Description: c.Description}
		if l.Scanners == nil {
			l.Scanners = []string{}
		}
		ls = append(ls, l)
	}
	b, err := json.MarshalIndent(ls, "", "  ")
	if err != nil {
		panic(err) // plain strings and slices always marshal
	}
	return append(b, '\n')
}

// day is the corpus's nominal date; each case starts at its own hour.
func day(hour int) time.Time { return time.Date(2025, 3, 4, hour, 0, 0, 0, time.UTC) }

// Cases lists the corpus in file order.
func Cases() []Case {
	return []Case{
		windowsVertical, windowsHorizontal, ftpBounce,
		p2pTorrent, p2pSkype,
		arpGateway, arpLANClient, ndpRouter,
		zmapNew, zmapOld, masscanNew, masscanOld,
		windowsMidflow, challengeACK, natEdge, tracerouteToServer,
		answersTCP, answersUDP, backscatter,
		slowT0,
		distributed,
	}
}
