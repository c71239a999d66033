//go:build !linux

package detect

// adviseHuge does nothing where there is no madvise(MADV_HUGEPAGE).
func adviseHuge[T any]([]T) {}
