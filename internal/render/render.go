// Package render turns the engine's alerts into the documents portsnare
// publishes: Elastic Common Schema (the default) or OCSF 1.4 Detection
// Findings. The engine's Alert records what it found, under ECS names, so
// its ECS rendering is its JSON; OCSF maps the same content field by field
// (see ocsf.go and the README's table).
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/portsnare/portsnare/detect"
)

// Format is a document schema.
type Format string

// Formats.
const (
	ECS  Format = "ecs"
	OCSF Format = "ocsf"
)

// ParseFormat reads an output.format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case ECS, OCSF:
		return f, nil
	case "":
		return ECS, nil
	}
	return "", fmt.Errorf("%q is not an output format: expected ecs or ocsf", s)
}

// Render returns a's document in format f, as one line of JSON without
// the trailing newline. HTML characters are not escaped: MITRE ATT&CK stays
// readable.
func Render(a *detect.Alert, f Format) ([]byte, error) {
	var doc any = a
	if f == OCSF {
		doc = ocsfFinding(a)
	}
	var b bytes.Buffer
	b.Grow(1024)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	out := b.Bytes()
	return out[:len(out)-1], nil
}
