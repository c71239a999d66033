package main

import (
	"slices"
	"strings"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/internal/confdecode"
	"github.com/portsnare/portsnare/internal/portspec"
)

// decodeSetting stores raw, the value viper has for key, into field, a
// pointer into the Config, with the decoder the allowlist's rules go through
// too. It returns every problem, each starting with the key (and the list
// item or rule it is about).
func decodeSetting(key string, field any, raw any) []string {
	var out []string
	if rules, ok := field.(*[]allowlist.Rule); ok {
		// The allowlist names each rule in its problems, by name when it
		// has one; a string is YAML text, from the environment.
		r, err := allowlist.DecodeRules(raw)
		*rules = r
		if err != nil {
			for _, e := range splitJoined(err) {
				out = append(out, key+": "+e.Error())
			}
		}
		return out
	}
	if s, ok := raw.(string); ok && isList(field) {
		raw = splitList(key, s)
	}
	for _, p := range confdecode.Problems(confdecode.Into(field, raw)) {
		out = append(out, p.Under(key))
	}
	return out
}

func isList(field any) bool {
	switch field.(type) {
	case *[]string, *[]uint16:
		return true
	}
	return false
}

// portSpecKeys hold specs of internal/portspec, whose own lists use commas.
var portSpecKeys = []string{"honeyport.ports", "honeyport.exclude_ports"}

// splitList reads a list given as one string, as the environment gives
// every list: comma-separated, except that numbers after a PROTO/ spec
// continue it ("udp/53,123").
func splitList(key, s string) []any {
	var parts []string
	if slices.Contains(portSpecKeys, key) {
		parts = portspec.Split(s)
	} else {
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				parts = append(parts, f)
			}
		}
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}
