package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ReadOptions select what Read returns.
type ReadOptions struct {
	// Follow keeps reading new alerts as they are stored, until ctx ends.
	Follow bool
	// Suppressed adds the alerts an allowlist rule covers.
	Suppressed bool
	// Since keeps only alerts stored in the last Since; 0 means all.
	Since time.Duration
}

// Message is an alert read back from the stream.
type Message struct {
	Subject  string
	Sequence uint64    // in the stream
	Stored   time.Time // when the stream stored it
	MsgID    string    // Nats-Msg-Id: the alert's event.id
	Data     []byte    // the alert JSON
}

// ReadURL is the server Read connects to: nats.urls, or when that is empty
// the address a sensor's embedded server listens on (nats.listen), with a
// wildcard address replaced by loopback.
func ReadURL(cfg Config) (string, error) {
	if len(cfg.URLs) > 0 {
		return strings.Join(cfg.URLs, ","), nil
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return "", fmt.Errorf("nats.listen: %w", err)
	}
	if port == "0" {
		return "", errors.New("nats.listen has port 0 (any free port), so there is no address to read from: give the server's URL")
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "nats://" + net.JoinHostPort(host, port), nil
}

// Read calls fn for each alert in the stream, oldest first, through an
// ordered consumer (ephemeral: it leaves nothing on the server). Without
// Follow it returns once it has read what was stored when it began; with
// Follow it then waits for new alerts until ctx ends, riding out
// reconnections. An error from fn stops it and is returned.
func Read(ctx context.Context, cfg Config, opts ReadOptions, fn func(Message) error) error {
	cfg.SetDefaults()
	url, err := ReadURL(cfg)
	if err != nil {
		return err
	}
	natsOpts, err := authOptions(cfg)
	if err != nil {
		return err
	}
	natsOpts = append(natsOpts, nats.Name("portsnare alerts"))
	if opts.Follow {
		natsOpts = append(natsOpts, nats.MaxReconnects(-1))
	}
	nc, err := nats.Connect(url, natsOpts...)
	if err != nil {
		if errors.Is(err, nats.ErrNoServers) {
			return fmt.Errorf("NATS at %s is unreachable: %w (is portsnare run, or the NATS server, running there?)", Redact(url), err)
		}
		return explain(url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	stream, err := js.Stream(ctx, cfg.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("NATS at %s has no stream %s: no sensor has published there yet (or nats.stream differs)", Redact(url), cfg.Stream)
	}
	if err != nil {
		return fmt.Errorf("stream %s at %s: %w", cfg.Stream, Redact(url), err)
	}
	lastSeq := stream.CachedInfo().State.LastSeq
	if lastSeq == 0 && !opts.Follow {
		return nil
	}

	cc := jetstream.OrderedConsumerConfig{FilterSubjects: Subjects(cfg.SubjectPrefix)[:1]}
	if opts.Suppressed {
		cc.FilterSubjects = Subjects(cfg.SubjectPrefix)
	}
	if opts.Since > 0 {
		start := time.Now().Add(-opts.Since)
		cc.DeliverPolicy, cc.OptStartTime = jetstream.DeliverByStartTimePolicy, &start
	}
	cons, err := js.OrderedConsumer(ctx, cfg.Stream, cc)
	if err != nil {
		return fmt.Errorf("reading stream %s: %w", cfg.Stream, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("reading stream %s: %w", cfg.Stream, err)
	}
	defer it.Stop()
	if !opts.Follow {
		// Nothing delivered and nothing pending: no alert matches, and no
		// message will come to say so.
		info, err := cons.Info(ctx)
		if err != nil {
			return fmt.Errorf("reading stream %s: %w", cfg.Stream, err)
		}
		if info.Delivered.Consumer == 0 && info.NumPending == 0 {
			return nil
		}
	}
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return fmt.Errorf("reading stream %s: %w", cfg.Stream, err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return fmt.Errorf("reading stream %s: %w", cfg.Stream, err)
		}
		m := Message{
			Subject:  msg.Subject(),
			Sequence: meta.Sequence.Stream,
			Stored:   meta.Timestamp,
			MsgID:    msg.Headers().Get(jetstream.MsgIDHeader),
			Data:     msg.Data(),
		}
		if err := fn(m); err != nil {
			return err
		}
		if !opts.Follow && (meta.NumPending == 0 || meta.Sequence.Stream >= lastSeq) {
			return nil
		}
	}
}
