package allowlist

import (
	"crypto/sha256"
	"os"
)

// Reload re-reads the file and reloads the rules, whether or not the file
// seems changed: the run command calls it on SIGHUP. An invalid file is
// rejected, logged and counted, the rules in force stay, and the error
// says why.
func (l *List) Reload() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.load(l.inline, "reload", true)
}

// Update replaces the inline rules, for a run command that re-reads the
// main configuration on SIGHUP, and re-reads the file: both are swapped in,
// or, if anything is invalid, neither. The file's path cannot change.
func (l *List) Update(rules []Rule) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.load(rules, "update", true)
}

// attempt identifies what a load read from the file, so that the watcher
// reloads only when the content really changed: several events and a poll
// may all report one edit, and a rejected edit is not retried until the
// file changes again.
type attempt struct {
	sum [sha256.Size]byte
	err string
}

// load compiles inline and the file and swaps them in. Unless force is
// set, it does nothing when the file holds what it held at the last
// attempt. Called with mu held.
func (l *List) load(inline []Rule, trigger string, force bool) error {
	var data []byte
	var readErr error
	if l.file != "" {
		l.stamp = stampOf(l.file) // before reading: a change during the read is seen next time
		data, readErr = os.ReadFile(l.file)
	}
	at := attempt{sum: sha256.Sum256(data)}
	if readErr != nil {
		at.err = readErr.Error()
	}
	if !force && at == l.tried {
		return nil
	}
	l.tried = at

	t, err := compile(inline, l.file, data, readErr)
	prev := l.cur.Load()
	if err != nil {
		if prev == nil {
			return err // New reports it; nothing was in force to keep
		}
		l.log.Error("allowlist reload rejected; the rules in force stay", "trigger", trigger,
			"file", l.file, "rules", len(prev.rules), "problems", joinLines(err))
		l.failed.Store(&failure{at: l.now(), err: joinLines(err)})
		l.failures.Add(1) // last: who sees the count sees the log line and the reason
		return err
	}
	l.inline = inline
	if prev == nil {
		l.log.Info("allowlist loaded", "rules", len(t.rules), "file", l.file)
	} else {
		l.log.Info("allowlist reloaded", "trigger", trigger, "rules", len(t.rules), "file", l.file)
		l.reloads.Add(1) // before the swap: who sees the new rules sees the count
	}
	l.cur.Store(&loaded{table: t, at: l.now()})
	l.logExpired(t)
	return nil
}
