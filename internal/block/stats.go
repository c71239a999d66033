package block

import "sync/atomic"

// stats are the service's counters, read by metrics at scrape time.
type stats struct {
	blocked, extended, held, errors atomic.Uint64
	skipped                         []atomic.Uint64 // by index in Reasons
	pending                         atomic.Uint64
}

var reasonIndex = func() map[Reason]int {
	m := make(map[Reason]int, len(Reasons))
	for i, r := range Reasons {
		m[r] = i
	}
	return m
}()

// Stats is a snapshot of the counters.
type Stats struct {
	Blocked  uint64 // elements added
	Extended uint64 // elements replaced to expire later
	Held     uint64 // alerts for a source already blocked at least as long
	Errors   uint64 // nftables operations that failed (logged each time)
	Skipped  map[Reason]uint64
	Pending  uint64 // alerts stored but not yet delivered to the consumer (its lag)
	Elements int    // addresses blocked by this service and not yet expired
}
