package enrich

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"

	"github.com/portsnare/portsnare/internal/netset"
)

// watched is the loaded content of one configuration key's files, swapped
// whole when they change: a GeoIP database, or the scanner lists together.
type watched[T any] struct {
	key   string
	paths []string
	load  func(paths []string) (*T, error)
	cur   atomic.Pointer[T]
	seen  []fileStamp // the files as they were at the last attempt; under Enricher.mu
}

func newWatched[T any](key string, paths []string, seen []fileStamp, v *T, load func([]string) (*T, error)) *watched[T] {
	w := &watched[T]{key: key, paths: paths, load: load, seen: seen}
	w.cur.Store(v)
	return w
}

// refresh loads the files again if they changed since the last attempt,
// or if force is set. A failed load is logged and counted and the content
// in force stays; it is not retried until the files change again, so a
// bad file is reported once, not at every poll. Called with Enricher.mu.
func (w *watched[T]) refresh(e *Enricher, force bool, trigger string) error {
	if w == nil {
		return nil
	}
	now := stampsOf(w.paths) // before reading: a change during the read is seen next time
	if !force && slices.EqualFunc(now, w.seen, fileStamp.same) {
		return nil
	}
	w.seen = now
	v, err := w.load(w.paths)
	if err != nil {
		err = errors.Join(prefixLines(w.key, err)...)
		e.log.Error("enrich: reload rejected; the file in force stays", "key", w.key, "trigger", trigger,
			"files", w.paths, "problems", err.Error())
		e.failures.Add(1)
		return err
	}
	w.cur.Store(v)
	e.reloads.Add(1)
	e.log.Info("enrich: reloaded", "key", w.key, "trigger", trigger, "files", w.paths)
	return nil
}

// Refresh reloads the files that changed since they were last read; the
// watcher calls it once a change has settled. Every rejection is returned.
func (e *Enricher) Refresh() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(
		e.city.refresh(e, false, "change"),
		e.asn.refresh(e, false, "change"),
		e.scanners.refresh(e, false, "change"))
}

// Reload reads every file again, changed or not: the run command calls it
// on SIGHUP. A file that fails keeps the one in force, as on a change.
func (e *Enricher) Reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reloadAll("reload")
}

func (e *Enricher) reloadAll(trigger string) error {
	return errors.Join(
		e.city.refresh(e, true, trigger),
		e.asn.refresh(e, true, trigger),
		e.scanners.refresh(e, true, trigger))
}

// Update applies cfg, re-read on SIGHUP: the internal networks, if valid,
// and every file read again. Which files are read is fixed when the
// Enricher is made (the watcher watches their directories); a change of
// path is reported and takes effect at the next start.
func (e *Enricher) Update(cfg Config) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	if set, err := netset.Parse(cfg.Internal); err != nil {
		errs = append(errs, prefixLines(KeyInternal, err)...)
	} else if !slices.Equal(cfg.Internal, e.cfg.Internal) {
		e.internal.Store(&set)
		e.cfg.Internal = cfg.Internal
		e.log.Info("enrich: internal networks reloaded", "networks", set.Len())
	}
	for _, c := range []struct {
		key      string
		old, new []string
	}{
		{KeyGeoIPCity, nonEmpty(e.cfg.GeoIPCity), nonEmpty(cfg.GeoIPCity)},
		{KeyGeoIPASN, nonEmpty(e.cfg.GeoIPASN), nonEmpty(cfg.GeoIPASN)},
		{KeyScannerLists, e.cfg.ScannerLists, cfg.ScannerLists},
	} {
		if !slices.Equal(c.old, c.new) {
			errs = append(errs, fmt.Errorf("%s: changed from %q to %q: files to read change at the next start; the ones in force are read again", c.key, c.old, c.new))
		}
	}
	return errors.Join(append(errs, e.reloadAll("update"))...)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// fileStamp is what a stat shows of a file.
type fileStamp struct {
	info os.FileInfo // nil when the stat failed
	err  string
}

func stampsOf(paths []string) []fileStamp {
	out := make([]fileStamp, len(paths))
	for i, p := range paths {
		fi, err := os.Stat(p) // through symlinks: a swapped target is a change
		if err != nil {
			out[i] = fileStamp{err: err.Error()}
		} else {
			out[i] = fileStamp{info: fi}
		}
	}
	return out
}

func (a fileStamp) same(b fileStamp) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil && a.err == b.err
	}
	return os.SameFile(a.info, b.info) && a.info.Size() == b.info.Size() && a.info.ModTime().Equal(b.info.ModTime())
}
