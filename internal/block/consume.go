package block

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portsnare/portsnare/sensor/publish"
)

// Consumer bounds: unacknowledged alerts in flight, and how long one may
// stay so before the server sends it again.
const (
	maxAckPending = 512
	ackWait       = 30 * time.Second
)

// Run reads the stream until ctx ends, applying each alert. While NATS is
// unreachable or the stream does not exist yet (no sensor has published),
// it waits and tries again; refused credentials or a TLS failure end it
// with an error.
func (s *Service) Run(ctx context.Context) error {
	go s.watchOwn(ctx)
	wait, warned := time.Second, false
	created := false
	for {
		err := s.session(ctx, &created)
		if ctx.Err() != nil {
			return nil
		}
		if publish.Permanent(err) {
			return err
		}
		if !warned {
			s.log.Warn("cannot read alerts; retrying", "error", err)
			warned = true
		} else {
			s.log.Debug("cannot read alerts; retrying", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// watchOwn reads this host's addresses every minute: an address added
// while the service runs (DHCP, a new interface) must not be blocked.
func (s *Service) watchOwn(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.refreshOwn(); err != nil {
				s.log.Warn("keeping the host's addresses read before", "error", err)
			}
		}
	}
}

// session is one connection: it returns when ctx ends or reading fails.
// The durable consumer is made afresh on the first session of the process
// only (see the package documentation); later sessions resume it.
func (s *Service) session(ctx context.Context, created *bool) error {
	nc, js, err := publish.DialJetStream(s.nats, "portsnare block")
	if err != nil {
		return err
	}
	defer nc.Close()
	if _, err := js.Stream(ctx, s.nats.Stream); err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("NATS has no stream %s yet: no sensor has published there (or nats.stream differs)", s.nats.Stream)
		}
		return fmt.Errorf("stream %s: %w", s.nats.Stream, err)
	}
	cons, err := s.consumer(ctx, js, nc, created)
	if err != nil {
		return err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(maxAckPending / 2))
	if err != nil {
		return fmt.Errorf("reading stream %s: %w", s.nats.Stream, err)
	}
	defer it.Stop()
	s.log.Info("reading alerts", "stream", s.nats.Stream, "consumer", s.cfg.Consumer, "dry_run", s.report != nil)
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("reading stream %s: %w", s.nats.Stream, err)
		}
		if meta, err := msg.Metadata(); err == nil {
			s.stats.pending.Store(meta.NumPending)
		}
		s.Handle(msg.Data())
		if s.report == nil {
			// Acknowledged whatever the outcome: a failure is counted and
			// logged, and sending the alert again would not cure it.
			if err := msg.Ack(); err != nil {
				s.log.Debug("acknowledging an alert failed; it will come again", "error", err)
			}
		}
	}
}

// filters are the subjects the blocker reads: alerts, and suppressed
// alerts, which it counts as skipped so that their absence from the sets is
// visible.
func (s *Service) filters() []string {
	p := s.nats.SubjectPrefix
	return []string{p + "." + publish.KindAlert + ".>", p + "." + publish.KindSuppressed + ".>"}
}

// consumer makes or resumes the durable consumer; in a dry run, an ordered
// one with the same start.
func (s *Service) consumer(ctx context.Context, js jetstream.JetStream, nc *nats.Conn, created *bool) (jetstream.Consumer, error) {
	start := s.now().Add(-s.cfg.Timeout)
	filters := s.filters()
	if !publish.MultiFilter(nc) {
		// Servers before 2.10 take one filter: the whole prefix, whose
		// other documents (reports) are no alerts and are skipped as such.
		filters = []string{s.nats.SubjectPrefix + ".>"}
	}
	if s.report != nil {
		cons, err := js.OrderedConsumer(ctx, s.nats.Stream, jetstream.OrderedConsumerConfig{
			FilterSubjects: filters, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &start})
		if err != nil {
			return nil, fmt.Errorf("reading stream %s: %w", s.nats.Stream, err)
		}
		return cons, nil
	}
	if *created {
		cons, err := js.Consumer(ctx, s.nats.Stream, s.cfg.Consumer)
		if err == nil {
			return cons, nil
		}
		if !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return nil, fmt.Errorf("consumer %s of stream %s: %w", s.cfg.Consumer, s.nats.Stream, err)
		}
		// Deleted meanwhile (by hand, or a new stream): made again below.
	}
	if err := js.DeleteConsumer(ctx, s.nats.Stream, s.cfg.Consumer); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("replacing consumer %s of stream %s: %w", s.cfg.Consumer, s.nats.Stream, err)
	}
	cc := jetstream.ConsumerConfig{
		Durable:        s.cfg.Consumer,
		Description:    "portsnare block: alerts to nftables sets",
		DeliverPolicy:  jetstream.DeliverByStartTimePolicy,
		OptStartTime:   &start,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        ackWait,
		MaxAckPending:  maxAckPending,
		FilterSubjects: filters,
	}
	if len(filters) == 1 {
		cc.FilterSubjects, cc.FilterSubject = nil, filters[0]
	}
	cons, err := js.CreateConsumer(ctx, s.nats.Stream, cc)
	if err != nil {
		return nil, fmt.Errorf("making consumer %s of stream %s: %w", s.cfg.Consumer, s.nats.Stream, err)
	}
	*created = true
	return cons, nil
}
