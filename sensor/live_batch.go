//go:build linux

package sensor

// maxBatchAge bounds how long an event waits in a capture goroutine's batch:
// a link busy with packets that are not probes must not hold back the few
// that are, nor their alerts.
const maxBatchAge = int64(50e6) // 50 ms
