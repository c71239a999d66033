package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The alert document's JSON Schema, the contract integrators build on:
// compiled once per test binary from deploy/schema/alert.schema.json.
var alertSchema struct {
	once sync.Once
	s    *jsonschema.Schema
	err  error
}

// SchemaPath is the path of the alert document's JSON Schema.
func SchemaPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "deploy", "schema", "alert.schema.json")
}

// ValidAlert checks one published document (an alert or a coverage
// report, as JSON) against the alert schema, formats included.
func ValidAlert(doc []byte) error {
	alertSchema.once.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		c.AssertContent()
		alertSchema.s, alertSchema.err = c.Compile(SchemaPath())
	})
	if alertSchema.err != nil {
		return fmt.Errorf("alert schema: %w", alertSchema.err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := alertSchema.s.Validate(v); err != nil {
		return fmt.Errorf("%s: %w", abbreviate(doc), err)
	}
	return nil
}

// abbreviate names a document in an error by its action and phase.
func abbreviate(doc []byte) string {
	var d struct {
		Event struct {
			Action string `json:"action"`
		} `json:"event"`
		Portsnare struct {
			Phase string `json:"phase"`
		} `json:"portsnare"`
	}
	_ = json.Unmarshal(doc, &d)
	return d.Event.Action + "/" + d.Portsnare.Phase
}
