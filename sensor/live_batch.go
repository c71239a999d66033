//go:build linux

package sensor

// maxBatchAge bounds how long an event waits in a capture goroutine's batch:
// a link busy with packets that are not probes must not hold back the few
// that are, nor their alerts.
const maxBatchAge = int64(50e6) // 50 ms

// flushOld hands over the current batch once its first event is older than
// maxAge nanoseconds, by the capture time of the packet just read.
func (b *batcher) flushOld(now, maxAge int64) {
	if b.cur != nil && b.cur.n > 0 && now-b.cur.firstAt > maxAge {
		b.flush()
	}
}
