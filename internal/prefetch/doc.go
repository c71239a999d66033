// Package prefetch asks the processor to fetch memory into its cache ahead
// of use, with the architecture's prefetch instruction (amd64 PREFETCHT0,
// arm64 PRFM PLDL1KEEP; nothing elsewhere). A prefetch neither waits for
// the memory nor faults on a bad address, so naming memory that is never
// read, or that has since been freed, only wastes the fetch. The engine
// uses it for the table buckets of packets a few packets ahead.
package prefetch
