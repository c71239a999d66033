package allowlist

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Parse reads a rules file — YAML with the rules under "rules:" — and checks
// every rule, reporting every problem, each naming the rule, the field and
// the bad value.
func Parse(data []byte) ([]Rule, error) {
	rules, err := parseFile(data)
	_, verr := compile(rules, "", nil, nil)
	if err := errors.Join(err, verr); err != nil {
		return nil, err
	}
	return rules, nil
}

// parseFile reads the file's shape; compile checks the values.
func parseFile(data []byte) ([]Rule, error) {
	doc, err := parseYAML(data)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		// Refused rather than read as "no rules": an empty file is more
		// often a write caught half-way than a wish to drop every rule.
		return nil, errors.New(`the file is empty: write the rules under "rules:" ("rules: []" for none)`)
	}
	m, ok := asMap(doc)
	if !ok {
		return nil, fmt.Errorf(`expected the rules under "rules:", got %s`, describe(doc))
	}
	var errs []error
	var raw any
	found := false
	for _, k := range sortedKeys(m) {
		if strings.ToLower(k) == "rules" {
			raw, found = m[k], true
			continue
		}
		errs = append(errs, fmt.Errorf("unknown key %q: the file holds only \"rules:\"", k))
	}
	if !found {
		errs = append(errs, errors.New(`no "rules:" key ("rules: []" for none)`))
	}
	if s, ok := raw.(string); ok {
		// DecodeRules would read a string as YAML text, for environment
		// variables; in a file it is only a mistake.
		errs = append(errs, fmt.Errorf("rules: expected a list of rules, got %q", s))
		raw = nil
	}
	rules, err := DecodeRules(raw)
	errs = append(errs, err)
	return rules, errors.Join(errs...)
}

// Validate checks the inline rules and the rules file, reporting every
// problem: inline ones as errors naming the rule, the file's as *FileError,
// an unreadable file as the error reading it. The problems are joined;
// errors.Join's Unwrap() []error lists them one by one.
func (c Config) Validate() error {
	_, err := c.compile()
	return err
}

// compile reads the file, if any, and compiles everything.
func (c Config) compile() (*table, error) {
	var data []byte
	var err error
	if c.File != "" {
		data, err = os.ReadFile(c.File)
	}
	return compile(c.Rules, c.File, data, err)
}
