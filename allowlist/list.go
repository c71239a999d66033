package allowlist

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// List is a loaded allowlist: the detect.Policy that the engine consults,
// kept current by Run and Reload. Authorize is safe for concurrent use and
// never blocks on a reload: each load is compiled aside and swapped in
// with one atomic store.
type List struct {
	cur atomic.Pointer[loaded]

	log      *slog.Logger
	now      func() time.Time
	poll     time.Duration
	debounce time.Duration
	file     string

	reloads  atomic.Uint64
	failures atomic.Uint64
	failed   atomic.Pointer[failure]

	mu     sync.Mutex // serialises loads; guards the fields below
	inline []Rule
	stamp  fileStamp // the file when last looked at
	tried  attempt   // the file's content at the last load attempt
}

// loaded is the table in force and when it was loaded.
type loaded struct {
	*table
	at time.Time
}

// failure is the last rejected reload.
type failure struct {
	at  time.Time
	err string
}

// Options tune a List; the zero value is fine.
type Options struct {
	// Logger receives loads, rejected reloads and expired rules; nil
	// discards them.
	Logger *slog.Logger
	// Now is the wall clock, for load times and for logging rules that
	// have expired; matching uses packet time. Nil means time.Now.
	Now func() time.Time
	// Poll is how often Run checks the file's size, modification time and
	// inode for changes that file events miss; 0 means 2s.
	Poll time.Duration
	// Debounce is how long Run waits after a change for the writer to
	// finish before reloading; 0 means 250ms.
	Debounce time.Duration
}

// New loads c: the inline rules and the file. It fails, reporting every
// problem as Validate does, when any rule is invalid.
func New(c Config, o Options) (*List, error) {
	l := &List{
		log:      o.Logger,
		now:      o.Now,
		poll:     o.Poll,
		debounce: o.Debounce,
		file:     c.File,
		inline:   c.Rules,
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.poll <= 0 {
		l.poll = 2 * time.Second
	}
	if l.debounce <= 0 {
		l.debounce = 250 * time.Millisecond
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.load(c.Rules, "start", true); err != nil {
		return nil, err
	}
	return l, nil
}

// Authorize implements detect.Policy: the rule covering p's source ("" if
// none) and whether p is within its scope at p's packet time. It takes no
// lock and allocates nothing.
func (l *List) Authorize(p *detect.Probe) (rule string, inScope bool) {
	if l == nil {
		return "", false
	}
	t := l.cur.Load()
	if t == nil { // a List not made by New
		return "", false
	}
	return t.authorize(p)
}

var _ detect.Policy = (*List)(nil)
