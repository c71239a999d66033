package main

import (
	"fmt"
	"net"
)

// validateBlock checks the block section; block's messages start with
// their key. network.internal, which block reads too, is checked once, with
// the enrichment (validateEnrich), by rules at least as strict as block's.
func (c *Config) validateBlock() []problem {
	var ps []problem
	if err := c.Block.Validate(); err != nil {
		for _, e := range splitJoined(err) {
			ps = append(ps, problem{keyOf(e.Error()), e.Error()})
		}
	}
	if c.Block.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.Block.MetricsListen); err != nil {
			ps = append(ps, problem{"block.metrics_listen", fmt.Sprintf("block.metrics_listen: expected host:port, got %q", c.Block.MetricsListen)})
		}
	}
	return ps
}
