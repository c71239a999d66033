//go:build !linux

package sensor

import (
	"context"
	"fmt"
	"runtime"

	"github.com/portsnare/portsnare/detect"
)

// Live capture reads AF_PACKET TPACKET_V3 rings, which only Linux has.
// Decoding, replay and the engine are the same on every system; only the
// Sensor is missing here, and this stand-in refuses to be made, so callers
// build unchanged and fail at start with a plain reason.

// LiveSupported returns the error NewSensor returns on this system.
func LiveSupported() error {
	return fmt.Errorf("live capture needs Linux (this is %s); replay works here", runtime.GOOS)
}

// Sensor is live capture, which this system does not have: NewSensor never
// returns one, and its methods do nothing.
type Sensor struct{}

// NewSensor fails: see LiveSupported.
func NewSensor(LiveOptions) (*Sensor, error) { return nil, LiveSupported() }

// Close does nothing.
func (*Sensor) Close() {}

// Touch does nothing.
func (*Sensor) Touch(detect.Touch) {}

// WatchDecoys does nothing.
func (*Sensor) WatchDecoys(func() []uint16) {}

// Run fails: see LiveSupported.
func (*Sensor) Run(context.Context) error { return LiveSupported() }

// Stats is empty.
func (*Sensor) Stats() LiveStats { return LiveStats{} }
