package allowlist

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Run keeps the rules in step with the file until ctx ends, and returns
// nil; with no file it returns at once. It watches the file's directory
// rather than the file, so that an editor's atomic rename (a new inode under
// the old name) is seen, and it also compares the file's size, modification
// time and inode every Options.Poll, for what events miss: a file deleted
// and created again, a directory replaced, a network file system, a
// watcher that could not be set up. Changes are debounced, so an edit
// written in several steps is loaded once, when complete.
func (l *List) Run(ctx context.Context) error {
	if l.file == "" {
		return nil
	}
	dir := filepath.Dir(l.file)
	var events <-chan fsnotify.Event
	var errs <-chan error
	w, err := fsnotify.NewWatcher()
	if err != nil {
		l.log.Warn("allowlist: cannot watch for file events; polling only", "file", l.file, "err", err)
	} else {
		defer w.Close()
		events, errs = w.Events, w.Errors
	}
	watching := false
	watch := func() {
		if w == nil || watching {
			return
		}
		if err := w.Add(dir); err != nil {
			l.log.Debug("allowlist: cannot watch the file's directory yet; polling", "dir", dir, "err", err)
			return
		}
		watching = true
	}
	watch()

	poll := time.NewTicker(l.poll)
	defer poll.Stop()
	settle := time.NewTimer(time.Hour)
	settle.Stop() // armed by changes; since Go 1.23 nothing arrives after Stop
	var pendingSince time.Time
	graced := false // an empty file has had its extra wait
	changed := func() {
		// Each change restarts the wait, but a file that keeps changing is
		// still loaded after a few waits, not never.
		now := time.Now()
		if pendingSince.IsZero() {
			pendingSince = now
		} else if now.Sub(pendingSince) > 8*l.debounce {
			return
		}
		settle.Reset(l.debounce)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok { // the watcher gave up: poll alone
				events, errs = nil, nil
				continue
			}
			if filepath.Clean(ev.Name) == filepath.Clean(dir) && ev.Has(fsnotify.Remove|fsnotify.Rename) {
				watching = false // the directory itself went; the poll adds it back
			}
			// Any event in the directory: the file may be a symlink whose
			// target was swapped (a Kubernetes ConfigMap), and an unchanged
			// file costs only a read.
			changed()
		case err, ok := <-errs:
			if !ok {
				events, errs = nil, nil
				continue
			}
			// An overflowed event queue loses events: look at the file.
			l.log.Warn("allowlist: file watcher error; checking the file", "file", l.file, "err", err)
			changed()
		case <-poll.C:
			watch()
			if !l.unchanged() {
				changed()
			}
		case <-settle.C:
			if st := stampOf(l.file); st.info != nil && st.info.Size() == 0 && !graced {
				// Most likely a writer that truncated the file and has not
				// written it yet: give it time before calling it invalid.
				graced = true
				settle.Reset(4 * l.debounce)
				continue
			}
			pendingSince, graced = time.Time{}, false
			l.mu.Lock()
			_ = l.load(l.inline, "file", false) // a rejection is logged and counted
			l.mu.Unlock()
		}
	}
}

// unchanged reports whether the file looks as it did at the last load.
func (l *List) unchanged() bool {
	st := stampOf(l.file)
	l.mu.Lock()
	defer l.mu.Unlock()
	return st.same(l.stamp)
}

// fileStamp is what a stat shows of the file.
type fileStamp struct {
	info os.FileInfo // nil when the stat failed
	err  string
}

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path) // through symlinks: a swapped target is a change
	if err != nil {
		return fileStamp{err: err.Error()}
	}
	return fileStamp{info: fi}
}

func (a fileStamp) same(b fileStamp) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil && a.err == b.err
	}
	return os.SameFile(a.info, b.info) && a.info.Size() == b.info.Size() && a.info.ModTime().Equal(b.info.ModTime())
}
