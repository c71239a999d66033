package main

import (
	"fmt"
	"net"

	"github.com/portsnare/portsnare/internal/block"
)

// validateBlock checks network.internal and the block section; block's
// messages start with their key.
func (c *Config) validateBlock() []problem {
	var ps []problem
	if _, err := block.ParsePrefixes("network.internal", c.Network.Internal); err != nil {
		for _, e := range splitJoined(err) {
			ps = append(ps, problem{"network.internal", e.Error()})
		}
	}
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
