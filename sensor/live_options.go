package sensor

import (
	"log/slog"

	"github.com/portsnare/portsnare/detect"
)

// LiveOptions configures a live Sensor.
type LiveOptions struct {
	Capture LiveConfig
	Engine  detect.Config
	// Alerts receives every alert, on the engine goroutine: it must not
	// block (queue and count instead).
	Alerts func(*detect.Alert)
	// Policy, if set, is the allowlist the engine consults.
	Policy detect.Policy
	Logger *slog.Logger
}

// LiveStats is a snapshot of a Sensor's counters.
type LiveStats struct {
	Decode          DecodeStats
	KernelPackets   uint64 // packets the kernel passed the filter for
	KernelDrops     uint64 // packets the kernel dropped for want of ring space
	QueueFreezes    uint64
	Engine          detect.Stats
	Touches         uint64
	TouchesDropped  uint64
	Interfaces      []string
	SocketsPerIface int
}
