package enrich

import (
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/netset"
)

// Enricher adds context to alerts. Apply is safe for concurrent use and
// never waits on a reload: each part of the state is swapped atomically.
type Enricher struct {
	log      *slog.Logger
	poll     time.Duration
	debounce time.Duration

	internal atomic.Pointer[netset.Set]
	city     *watched[geoDB]        // nil: no city database configured
	asn      *watched[geoDB]        // nil: no ASN database configured
	scanners *watched[scannerIndex] // nil: no scanner lists configured

	cfg          Config     // as loaded; guarded by mu
	mu           sync.Mutex // serialises loads
	reloads      atomic.Uint64
	failures     atomic.Uint64
	lookupErrors atomic.Uint64
}

// Options tune an Enricher.
type Options struct {
	Logger *slog.Logger
	// Poll is how often the files are stat'ed for changes their events
	// miss (default 30s); Debounce how long a change must settle before it
	// is loaded (default 500ms), so a file written in steps is read once.
	Poll, Debounce time.Duration
}

// New loads everything cfg names. Any problem — a file missing, unreadable,
// too large or invalid, a bad network — fails it, every problem reported,
// each starting with its key.
func New(cfg Config, o Options) (*Enricher, error) {
	// Stat'ed before reading, so that a change during the read is seen.
	cityAt, asnAt := stampsOf(nonEmpty(cfg.GeoIPCity)), stampsOf(nonEmpty(cfg.GeoIPASN))
	listsAt := stampsOf(cfg.ScannerLists)
	st, err := load(cfg)
	if err != nil {
		return nil, err
	}
	e := &Enricher{log: o.Logger, poll: o.Poll, debounce: o.Debounce, cfg: cfg}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.poll <= 0 {
		e.poll = 30 * time.Second
	}
	if e.debounce <= 0 {
		e.debounce = 500 * time.Millisecond
	}
	e.internal.Store(&st.internal)
	if st.city != nil {
		e.city = newWatched(KeyGeoIPCity, nonEmpty(cfg.GeoIPCity), cityAt, st.city, loadOne)
	}
	if st.asn != nil {
		e.asn = newWatched(KeyGeoIPASN, nonEmpty(cfg.GeoIPASN), asnAt, st.asn, loadOne)
	}
	if st.scanners != nil {
		e.scanners = newWatched(KeyScannerLists, cfg.ScannerLists, listsAt, st.scanners, loadScannerLists)
	}
	e.log.Info("alert enrichment loaded", e.describe()...)
	return e, nil
}

func loadOne(paths []string) (*geoDB, error) { return openGeoDB(paths[0]) }

// describe lists what is loaded, for the log.
func (e *Enricher) describe() []any {
	attrs := []any{"internal_networks", e.internal.Load().Len()}
	if e.city != nil {
		attrs = append(attrs, "geoip_city", e.city.cur.Load().path, "geoip_city_type", e.city.cur.Load().kind())
	}
	if e.asn != nil {
		attrs = append(attrs, "geoip_asn", e.asn.cur.Load().path, "geoip_asn_type", e.asn.cur.Load().kind())
	}
	if e.scanners != nil {
		ix := e.scanners.cur.Load()
		attrs = append(attrs, "scanner_lists", ix.lists, "scanner_networks", ix.nets)
	}
	return attrs
}

// Wrap returns next with every alert enriched first: the callback to give
// the engine in place of next. A nil Enricher returns next.
func (e *Enricher) Wrap(next func(*detect.Alert)) func(*detect.Alert) {
	if e == nil {
		return next
	}
	return func(a *detect.Alert) {
		e.Apply(a)
		next(a)
	}
}

// Apply adds the context to a, in place. It does bounded work: one lookup
// per database and per list index for the source (and, for the list, for
// each of the alert's few named sources), and a direction judged from the
// alert's bounded host sample.
func (e *Enricher) Apply(a *detect.Alert) {
	src, err := netip.ParseAddr(a.Source.IP)
	if err != nil {
		return // the engine always names one; nothing to place otherwise
	}
	internal := e.internal.Load()
	a.Network.Direction = direction(internal, src, a)
	if a.Event.Kind == "alert" {
		a.Threat = threatFor(a.Event.Action, internal.Contains(src))
	}
	if e.city != nil {
		geo, err := e.city.cur.Load().geo(src)
		e.lookupFailed(KeyGeoIPCity, err)
		a.Source.Geo = geo
	}
	if e.asn != nil {
		as, err := e.asn.cur.Load().as(src)
		e.lookupFailed(KeyGeoIPASN, err)
		a.Source.AS = as
	}
	if e.scanners != nil {
		ix := e.scanners.cur.Load()
		names := ix.lookup(src)
		// A decoy or distributed scan names several sources; any of them
		// on a list is worth the tag.
		for _, s := range a.Portsnare.Scan.Sources {
			if o, err := netip.ParseAddr(s); err == nil && o != src {
				names = mergeNames(names, ix.lookup(o))
			}
		}
		a.Portsnare.ScannerList = names
	}
}

// lookupFailed logs a record a database could not decode: a database of
// another layout than MaxMind's. Counted, and logged the first time and
// then every thousandth, since it would repeat for every alert.
func (e *Enricher) lookupFailed(key string, err error) {
	if err == nil {
		return
	}
	if n := e.lookupErrors.Add(1); n == 1 || n%1000 == 0 {
		e.log.Warn("enrich: a database record could not be read; the alert goes without it", "key", key, "err", err, "errors_total", n)
	}
}

// Stats counts reloads.
type Stats struct {
	Reloads      uint64 // files reloaded after a change, or on Reload
	Failures     uint64 // changed files rejected, the previous ones kept
	LookupErrors uint64 // database records that could not be decoded
}

// Stats returns the counters.
func (e *Enricher) Stats() Stats {
	return Stats{Reloads: e.reloads.Load(), Failures: e.failures.Load(), LookupErrors: e.lookupErrors.Load()}
}
