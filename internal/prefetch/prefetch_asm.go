//go:build amd64 || arm64

package prefetch

// Lines asks the processor to fetch the cache lines holding the first n
// addresses of at (prefetch_$GOARCH.s): one call for a packet's several
// lines, since an assembly function is never inlined.
//
//go:noescape
func Lines(at *uintptr, n int)
