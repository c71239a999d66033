package allowlist

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/viper"

	"github.com/portsnare/portsnare/internal/confdecode"
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

// parseFile reads the file's shape through its own viper instance, whose
// rules go through DecodeRules as the main configuration's do; compile
// checks the values.
func parseFile(data []byte) ([]Rule, error) {
	v := viper.NewWithOptions(viper.WithDecoderRegistry(textYAML{}))
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		var pe viper.ConfigParseError
		if errors.As(err, &pe) {
			err = pe.Unwrap() // drop viper's "While parsing config:"
		}
		if errors.Is(err, errEmpty) {
			// Refused rather than read as "no rules": an empty file is more
			// often a write caught half-way than a wish to drop every rule.
			return nil, errors.New(`the file is empty: write the rules under "rules:" ("rules: []" for none)`)
		}
		return nil, err
	}
	var errs []error
	found := false
	var unknown []string
	for _, k := range v.AllKeys() { // "rules" even when empty; "extra.a" for a mapping
		top, _, _ := strings.Cut(k, ".")
		if top == "rules" {
			found = true
		} else if !slices.Contains(unknown, top) {
			unknown = append(unknown, top)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		errs = append(errs, fmt.Errorf("unknown key %q: the file holds only \"rules:\"%s", k, confdecode.Suggest(k, []string{"rules"})))
	}
	if !found {
		errs = append(errs, errors.New(`no "rules:" key ("rules: []" for none)`))
	}
	raw := v.Get("rules")
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
