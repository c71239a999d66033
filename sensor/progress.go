package sensor

import (
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// progressInterval limits redraws to about five a second: more is flicker
// and wasted writes to the terminal.
const progressInterval = 200 * time.Millisecond

// progress draws a one-line progress bar, rewritten in place with \r: the
// file, how much of it has been read, and the replay's packet rate.
type progress struct {
	w     io.Writer // nil: no progress
	files int
	start time.Time

	idx  int
	name string
	size int64

	drawn time.Time
	shown bool
}

// file starts reporting on file idx.
func (p *progress) file(idx int, path string, size int64) {
	p.idx, p.name, p.size = idx, filepath.Base(path), size
}

// update redraws the line if the last redraw is old enough, or if force.
// read is the bytes read from the current file, packets the replay's total.
func (p *progress) update(read int64, packets uint64, force bool) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.drawn) < progressInterval {
		return
	}
	p.drawn = now
	pct := "   ?%"
	if p.size > 0 {
		pct = fmt.Sprintf("%5.1f%%", 100*float64(min(read, p.size))/float64(p.size))
	}
	rate := float64(packets) / max(now.Sub(p.start).Seconds(), 1e-9)
	// \x1b[K erases what a longer previous line left to the right.
	fmt.Fprintf(p.w, "\r[%d/%d] %s %s  %s packets  %s packets/s\x1b[K",
		p.idx+1, p.files, p.name, pct, siCount(float64(packets)), siCount(rate))
	p.shown = true
}

// clear erases the line, before a log line or the final summary.
func (p *progress) clear() {
	if p.w == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
	p.shown = false
}

// siCount formats a count with an SI suffix: 950, 12.3k, 4.56M.
func siCount(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}
