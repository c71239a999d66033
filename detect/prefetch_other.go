//go:build !amd64 && !arm64

package detect

// prefetchAll does nothing where the engine has no prefetch instruction:
// the packets are processed the same, only without their buckets fetched
// ahead.
func prefetchAll(*uintptr, int) {}
