package detect

// bigSlice returns a zeroed slice of n Ts for one of the engine's fixed
// tables, backed by huge pages where the system offers them (see
// adviseHuge). The tables are read at random, one bucket per packet: with
// 4 KiB pages a 24 MiB contact table spans six thousand pages, far beyond
// what the TLB holds, and every probe then pays a page walk besides the
// cache miss, which under a hypervisor's nested paging costs more than
// the rest of the packet's work.
func bigSlice[T any](n int) []T {
	s := make([]T, n)
	adviseHuge(s)
	return s
}
