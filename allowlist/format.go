package allowlist

import (
	"encoding/json"
	"strings"
)

// FormatRules writes rules as YAML text that DecodeRules reads back to the
// same rules: a flow list of one JSON object per line (JSON is YAML), the
// continuation lines indented by four spaces to sit under a key. No rules
// is "[]".
func FormatRules(rules []Rule) string {
	if len(rules) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rules {
		text, err := json.Marshal(r)
		if err != nil {
			panic(err) // strings and lists of strings always marshal
		}
		b.WriteString("\n    ")
		b.Write(text)
		if i < len(rules)-1 {
			b.WriteString(",")
		}
	}
	b.WriteString("]")
	return b.String()
}
