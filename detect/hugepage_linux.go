//go:build linux

package detect

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

const hugePage = 2 << 20

// adviseHuge asks the kernel for transparent huge pages (MADV_HUGEPAGE)
// over the whole 2 MiB pages inside s. It is a hint: with THP set to
// "never", or when the kernel cannot find huge pages, s keeps small pages
// and works the same. The memory is the Go heap's own, advised in place,
// so the collector and the memory accounting see it as any other.
func adviseHuge[T any](s []T) {
	size := uintptr(len(s)) * unsafe.Sizeof(*new(T))
	if size < 2*hugePage {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo := (start + hugePage - 1) &^ (hugePage - 1)
	hi := (start + size) &^ (hugePage - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), lo-start)), hi-lo)
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
}
