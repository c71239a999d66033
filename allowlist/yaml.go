package allowlist

import (
	"errors"
	"fmt"
	"maps"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/portsnare/portsnare/internal/confdecode"
)

// textYAML is the rules file's format for viper: YAML with every scalar
// kept as written. viper's own YAML reads 2026-11-01 02:00:00 as a time in
// UTC, losing that it was written without an offset, which in a rule means
// the schedule's zone. It is its own registry: it serves every format.
type textYAML struct{}

func (textYAML) Decoder(string) (viper.Decoder, error) { return textYAML{}, nil }

// errEmpty is a file with nothing in it.
var errEmpty = errors.New("empty")

func (textYAML) Decode(data []byte, out map[string]any) error {
	doc, err := parseYAML(data)
	if err != nil {
		return err
	}
	if doc == nil {
		return errEmpty
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf(`expected the rules under "rules:", got %s`, confdecode.Describe(doc))
	}
	maps.Copy(out, m)
	return nil
}

// parseYAML reads YAML text into maps, lists and strings, keeping every
// scalar as written.
func parseYAML(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %v", err)
	}
	c := converter{budget: maxNodes}
	v := c.plain(&doc)
	return v, c.err
}

// maxNodes bounds alias expansion: a few aliases can otherwise stand for
// billions of nodes ("billion laughs").
const maxNodes = 100_000

type converter struct {
	budget int
	err    error
}

func (c *converter) plain(n *yaml.Node) any {
	if c.err != nil {
		return nil
	}
	if c.budget--; c.budget < 0 {
		c.err = fmt.Errorf("not valid YAML: more than %d nodes once aliases are expanded (a recursive alias?)", maxNodes)
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.plain(n.Content[0])
	case yaml.AliasNode:
		return c.plain(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			out = append(out, c.plain(item))
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := fmt.Sprint(c.plain(n.Content[i]))
			if _, dup := out[k]; dup {
				c.err = fmt.Errorf("not valid YAML: line %d: key %q given twice", n.Content[i].Line, k)
				return nil
			}
			out[k] = c.plain(n.Content[i+1])
		}
		return out
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return nil
		}
		return n.Value
	}
	return nil // an empty document
}
