package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ConsumeOptions say where the evidence is and which of it this instance
// owns.
type ConsumeOptions struct {
	Stream     string // fleet.stream
	Prefix     string // nats.subject_prefix
	Partitions []int  // owned, from ParsePartitions
	Consumer   string // durable name: one per instance
	Fleet      Config // the stream's limits, when the correlator creates it
	Log        *slog.Logger
	// Lag, when set, is kept at the consumer's pending count: evidence in
	// the stream this instance has not yet taken (a metric).
	Lag *atomic.Int64
}

// FilterSubjects are the subjects of the owned partitions, every sensor's.
func FilterSubjects(prefix string, parts []int) []string {
	subs := make([]string, len(parts))
	for i, p := range parts {
		subs[i] = prefix + "." + KindEvidence + ".*." + strconv.Itoa(p)
	}
	return subs
}

// ensureEvidenceStream creates the evidence stream when no sensor has yet.
func ensureEvidenceStream(ctx context.Context, js jetstream.JetStream, o ConsumeOptions) error {
	if _, err := js.Stream(ctx, o.Stream); err == nil || !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: o.Stream, Description: "portsnare evidence", Subjects: []string{o.Prefix + "." + KindEvidence + ".>"},
		Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld, Storage: jetstream.FileStorage,
		MaxAge: o.Fleet.MaxAge, MaxBytes: int64(o.Fleet.MaxBytes), Replicas: o.Fleet.Replicas,
		Duplicates: min(time.Hour, o.Fleet.MaxAge),
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil
	}
	return err
}

// BatchTaker takes decoded evidence batches, one at a time, in stream
// order: a Correlator, or something that notes what one is handed (the
// scale test checks that two instances split the records between them).
type BatchTaker interface {
	Add(*Batch)
}

// Consume takes the owned partitions' evidence through the durable
// consumer, in stream order, and hands each batch to c, until ctx ends. A
// batch is acknowledged once c has taken it; one that cannot be decoded is
// terminated (logged, never redelivered). A restarted instance resumes
// where its consumer stands. idle is called when no evidence came for a
// while, with the wall time, so that the caller can let packet time move.
func Consume(ctx context.Context, js jetstream.JetStream, o ConsumeOptions, c BatchTaker, idle func()) error {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := ensureEvidenceStream(ctx, js, o); err != nil {
		return fmt.Errorf("evidence stream %s: %w", o.Stream, err)
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, o.Stream, jetstream.ConsumerConfig{
		Durable:        o.Consumer,
		Description:    "portsnare correlate",
		FilterSubjects: FilterSubjects(o.Prefix, o.Partitions),
		AckPolicy:      jetstream.AckExplicitPolicy,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		AckWait:        time.Minute,
		MaxAckPending:  1024,
	})
	if err != nil {
		return fmt.Errorf("consumer %s on %s: %w", o.Consumer, o.Stream, err)
	}
	log.Info("consuming evidence", "stream", o.Stream, "consumer", o.Consumer, "partitions", len(o.Partitions))
	for ctx.Err() == nil {
		batch, err := cons.Fetch(256, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			log.Warn("fetching evidence", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		n := 0
		for msg := range batch.Messages() {
			n++
			b, err := DecodeBatch(msg.Data())
			if err != nil {
				log.Error("evidence message unreadable: terminated", "subject", msg.Subject(), "err", err)
				_ = msg.Term()
				continue
			}
			c.Add(b)
			if err := msg.Ack(); err != nil {
				log.Warn("acknowledging evidence", "err", err)
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			log.Warn("fetching evidence", "err", err)
		}
		if o.Lag != nil {
			if info, err := cons.Info(ctx); err == nil {
				o.Lag.Store(int64(info.NumPending))
			}
		}
		if n == 0 && idle != nil {
			idle()
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
