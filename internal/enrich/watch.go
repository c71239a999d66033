package enrich

import (
	"context"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Run keeps the databases and lists in step with their files until ctx
// ends, and returns nil; with no file configured it returns at once. As
// the allowlist does, it watches the files' directories rather than the
// files, so that an atomic rename (geoipupdate's way) is seen, and it also
// stats the files every Options.Poll for what events miss: a file deleted
// and created again, a directory replaced, a network file system. Changes
// are debounced, so a file written in several steps is loaded once, when
// complete; a file still incomplete then is rejected, and loaded when its
// writer's last change is seen.
func (e *Enricher) Run(ctx context.Context) error {
	dirs := e.dirs()
	if len(dirs) == 0 {
		return nil
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	w, err := fsnotify.NewWatcher()
	if err != nil {
		e.log.Warn("enrich: cannot watch for file events; polling only", "err", err)
	} else {
		defer w.Close()
		events, errs = w.Events, w.Errors
	}
	watching := map[string]bool{}
	watch := func() {
		if w == nil {
			return
		}
		for _, d := range dirs {
			if watching[d] {
				continue
			}
			if err := w.Add(d); err != nil {
				e.log.Debug("enrich: cannot watch a directory yet; polling", "dir", d, "err", err)
				continue
			}
			watching[d] = true
		}
	}
	watch()

	poll := time.NewTicker(e.poll)
	defer poll.Stop()
	settle := time.NewTimer(time.Hour)
	settle.Stop() // armed by changes; since Go 1.23 nothing arrives after Stop
	var pendingSince time.Time
	changed := func() {
		// Each change restarts the wait, but files that keep changing are
		// still loaded after a few waits, not never.
		now := time.Now()
		if pendingSince.IsZero() {
			pendingSince = now
		} else if now.Sub(pendingSince) > 8*e.debounce {
			return
		}
		settle.Reset(e.debounce)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events, errs = nil, nil // the watcher gave up: poll alone
				continue
			}
			if d := filepath.Clean(ev.Name); slices.Contains(dirs, d) && ev.Has(fsnotify.Remove|fsnotify.Rename) {
				watching[d] = false // the directory itself went; the poll adds it back
			}
			// Any event in a directory: a file may be a symlink whose target
			// was swapped, and an unchanged file costs one stat.
			changed()
		case err, ok := <-errs:
			if !ok {
				events, errs = nil, nil
				continue
			}
			e.log.Warn("enrich: file watcher error; checking the files", "err", err)
			changed()
		case <-poll.C:
			watch()
			changed() // Refresh stats every file and loads only what changed
		case <-settle.C:
			pendingSince = time.Time{}
			_ = e.Refresh() // a rejection is logged and counted
		}
	}
}

// dirs lists the directories of the configured files, each once.
func (e *Enricher) dirs() []string {
	var paths []string
	for _, w := range []interface{ files() []string }{e.city, e.asn, e.scanners} {
		paths = append(paths, w.files()...)
	}
	var dirs []string
	for _, p := range paths {
		if d := filepath.Clean(filepath.Dir(p)); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// files lists the watched paths; none for an unconfigured key.
func (w *watched[T]) files() []string {
	if w == nil {
		return nil
	}
	return w.paths
}
