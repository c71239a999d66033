package main

import "github.com/portsnare/portsnare/internal/fleet"

// validateFleet checks the fleet and correlate sections; each message
// starts with its key.
func (c *Config) validateFleet() []problem {
	var ps []problem
	add := func(err error) {
		for _, e := range splitJoined(err) {
			ps = append(ps, problem{keyOf(e.Error()), e.Error()})
		}
	}
	if err := c.Fleet.Validate(); err != nil {
		add(err)
	}
	if err := c.Correlate.Validate(c.Fleet.Partitions); err != nil && c.Fleet.Partitions >= 1 && c.Fleet.Partitions <= fleet.MaxPartitions {
		add(err)
	}
	return ps
}
