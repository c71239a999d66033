//go:build amd64 || arm64

package detect

// prefetchAll asks the processor to fetch the cache lines holding the
// first n addresses of at (prefetch_$GOARCH.s). A prefetch never faults,
// whatever the address.
//
//go:noescape
func prefetchAll(at *uintptr, n int)
