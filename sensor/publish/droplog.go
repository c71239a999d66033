package publish

import (
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// dropInterval is the least time between two reports of dropped alerts.
const dropInterval = 10 * time.Second

// dropReporter logs lost alerts at error level: the first loss at once,
// later ones summed over dropInterval, so that an operator always hears of
// a loss and a flood of losses does not flood the log too.
type dropReporter struct {
	log     *slog.Logger
	mu      sync.Mutex
	pending map[string]int
	lastErr error
	last    time.Time
}

func newDropReporter(log *slog.Logger) *dropReporter {
	return &dropReporter{log: log, pending: map[string]int{}}
}

func (d *dropReporter) add(reason string, n int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending[reason] += n
	if err != nil {
		d.lastErr = err
	}
	if time.Since(d.last) >= dropInterval {
		d.flushLocked()
	}
}

// flush reports what was dropped since the last report.
func (d *dropReporter) flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.flushLocked()
}

func (d *dropReporter) flushLocked() {
	if len(d.pending) == 0 {
		return
	}
	for _, reason := range slices.Sorted(maps.Keys(d.pending)) {
		attrs := []any{"reason", reason, "alerts", d.pending[reason]}
		if d.lastErr != nil {
			attrs = append(attrs, "error", d.lastErr)
		}
		d.log.Error("alerts dropped, they will not be published", attrs...)
	}
	clear(d.pending)
	d.lastErr = nil
	d.last = time.Now()
}
