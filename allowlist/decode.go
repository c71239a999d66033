package allowlist

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/portsnare/portsnare/internal/confdecode"
)

// DecodeRules reads rules from a YAML value as viper gives it (a list of
// mappings), from YAML text (an environment variable), or from []Rule,
// with the decoder the rest of the configuration goes through. It checks
// shape only — unknown fields, a mapping where a string belongs — and
// reports every such problem, naming the rule; Validate checks the values.
// The rules are returned even with problems, minus the fields in the wrong
// shape, so that validation can still report everything else. No rules is
// nil.
func DecodeRules(raw any) ([]Rule, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case []Rule:
		if len(v) == 0 {
			return nil, nil
		}
		return slices.Clone(v), nil
	case string:
		parsed, err := parseYAML([]byte(v))
		if err != nil {
			return nil, err
		}
		raw = parsed
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("expected a list of rules, got %s", confdecode.Describe(raw))
	}
	if len(items) == 0 {
		return nil, nil
	}
	rules := make([]Rule, len(items))
	var errs []error
	for i, item := range items {
		problems := confdecode.Problems(confdecode.Into(&rules[i], item))
		rules[i].skip = misshapen(item, problems)
		for _, p := range problems {
			errs = append(errs, fmt.Errorf("%s: %w", label(i, rules[i]), p))
		}
	}
	return rules, errors.Join(errs...)
}

// misshapen marks the fields of a rule whose decoding failed and that
// validation would otherwise report again as missing.
func misshapen(item any, problems []*confdecode.Error) fieldSet {
	switch item.(type) {
	case map[string]any, map[any]any:
	default:
		if len(problems) > 0 {
			return fieldName | fieldSources // not a mapping: nothing was read
		}
	}
	var skip fieldSet
	for _, p := range problems {
		switch field, _, _ := strings.Cut(p.Path, "["); field {
		case "name":
			skip |= fieldName
		case "sources":
			skip |= fieldSources
		}
	}
	return skip
}
