package block

import (
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portsnare/portsnare/sensor/publish"
)

// Service reads alerts from the stream and keeps the sets.
type Service struct {
	cfg    Config
	nats   publish.Config
	dec    *Decider
	setter Setter
	log    *slog.Logger
	// report, in a dry run, receives one line per alert saying what would
	// be done; nil otherwise.
	report io.Writer
	now    func() time.Time

	mu     sync.Mutex // guards ledger: the consumer and scrapes
	ledger *ledger
	stats  stats
}

// Options are what a Service needs besides its configuration.
type Options struct {
	NATS     publish.Config
	Internal []string // network.internal
	Log      *slog.Logger
	// DryRun, when set, gets one line per alert and nftables is never
	// touched; the consumer is then an ordered one that leaves nothing on
	// the server.
	DryRun io.Writer
	// Setter replaces nftables (tests); nil opens nftables, or nothing in
	// a dry run.
	Setter Setter
	Now    func() time.Time // the wall clock unless set (tests)
}

// New checks cfg, compiles its lists and opens nftables (not in a dry run),
// making the table and sets as configured. The elements the sets already
// hold are taken into the ledger, so that a restart neither re-adds them
// nor loses count of them against block.max_elements.
func New(cfg Config, o Options) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dec, err := NewDecider(cfg, o.Internal)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, nats: o.NATS, dec: dec, setter: o.Setter, log: o.Log, report: o.DryRun, now: o.Now, ledger: newLedger(cfg.MaxElements)}
	s.stats.skipped = make([]atomic.Uint64, len(Reasons))
	s.nats.SetDefaults()
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.refreshOwn(); err != nil {
		return nil, err
	}
	if s.setter == nil {
		if s.report != nil {
			s.setter = nopSetter{}
		} else if s.setter, err = NewNFT(cfg); err != nil {
			return nil, err
		}
	}
	held, err := s.setter.Elements()
	if err != nil {
		_ = s.setter.Close()
		return nil, err
	}
	now := s.now()
	for a, left := range held {
		if left <= 0 { // an element without a timeout: someone else's, kept for good
			left = MaxTimeout
		}
		s.ledger.record(a, now.Add(left))
	}
	if len(held) > 0 {
		s.log.Info("sets already hold addresses; they keep their expiry", "elements", len(held))
	}
	return s, nil
}

// Close releases nftables; the sets and their elements stay.
func (s *Service) Close() error { return s.setter.Close() }

// refreshOwn reads this host's addresses again.
func (s *Service) refreshOwn() error {
	own, err := OwnAddrs()
	if err != nil {
		return fmt.Errorf("reading this host's addresses: %w", err)
	}
	s.dec.SetOwn(own)
	return nil
}

// Handle judges one alert document and applies the decision. It never
// fails: what goes wrong is counted and logged, so one bad alert cannot
// stall the stream.
func (s *Service) Handle(data []byte) {
	now := s.now()
	a, err := DecodeAlert(data)
	if err != nil {
		s.skip(a, Decision{Skip: SkipUndecodable})
		return
	}
	d := s.dec.Decide(a, now)
	if d.Skip != "" {
		s.skip(a, d)
		return
	}
	until := now.Add(d.Timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.ledger.plan(d.Addr, until, now) {
	case changeNone:
		s.stats.held.Add(1)
		s.say(a, "held %s: blocked already", d.Addr)
	case changeShed:
		s.skip(a, Decision{Addr: d.Addr, Skip: SkipFull})
	case changeAdd:
		s.apply(a, d, until, false)
	case changeExtend:
		s.apply(a, d, until, true)
	}
}

func (s *Service) apply(a Alert, d Decision, until time.Time, replace bool) {
	if err := s.setter.Add(d.Addr, d.Timeout, replace); err != nil {
		s.stats.errors.Add(1)
		s.ledger.forget(d.Addr)
		s.log.Error("blocking failed", "source", d.Addr, "event.id", a.Event.ID, "error", err)
		return
	}
	s.ledger.record(d.Addr, until)
	verb := "block"
	if replace {
		s.stats.extended.Add(1)
		verb = "extend"
	} else {
		s.stats.blocked.Add(1)
	}
	if s.report != nil {
		s.say(a, "%s %s for %s", verb, d.Addr, d.Timeout.Round(time.Millisecond))
		return
	}
	s.log.Info(verb+"ed", "source", d.Addr, "for", d.Timeout.Round(time.Second), "action", a.Event.Action,
		"phase", a.Portsnare.Phase, "episode", a.Portsnare.Episode, "event.id", a.Event.ID)
}

func (s *Service) skip(a Alert, d Decision) {
	s.stats.skipped[reasonIndex[d.Skip]].Add(1)
	who := a.Source.IP
	if who == "" {
		who = "-"
	}
	s.say(a, "skip %s: %s", who, d.Skip)
	s.log.Debug("not blocked", "source", who, "reason", d.Skip, "action", a.Event.Action, "phase", a.Portsnare.Phase, "event.id", a.Event.ID)
}

// say writes a dry run's line: what, then the alert it is about.
func (s *Service) say(a Alert, format string, args ...any) {
	if s.report == nil {
		return
	}
	fmt.Fprintf(s.report, format, args...)
	fmt.Fprintf(s.report, " (%s %s, %s, event.id %s)\n", dashed(a.Event.Action), dashed(a.Portsnare.Phase),
		a.Timestamp.UTC().Format(time.RFC3339), dashed(a.Event.ID))
}

func dashed(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Stats returns the counters.
func (s *Service) Stats() Stats {
	st := Stats{
		Blocked: s.stats.blocked.Load(), Extended: s.stats.extended.Load(), Held: s.stats.held.Load(),
		Errors: s.stats.errors.Load(), Pending: s.stats.pending.Load(), Skipped: make(map[Reason]uint64, len(Reasons)),
	}
	for i, r := range Reasons {
		st.Skipped[r] = s.stats.skipped[i].Load()
	}
	s.mu.Lock()
	st.Elements = s.ledger.live(s.now())
	s.mu.Unlock()
	return st
}

// Blocked reports whether a is blocked now, by this service's account.
func (s *Service) Blocked(a netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.ledger.expires[a]
	return ok && exp.After(s.now())
}
