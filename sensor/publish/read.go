package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
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
	// Audit reads the allowlist rules' coverage reports instead of alerts.
	Audit bool
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

	filters := []string{Subject(cfg.SubjectPrefix, KindAlert)}
	switch {
	case opts.Audit:
		filters = []string{Subject(cfg.SubjectPrefix, KindAudit)}
	case opts.Suppressed:
		filters = append(filters, Subject(cfg.SubjectPrefix, KindSuppressed))
	}
	cc := jetstream.OrderedConsumerConfig{FilterSubjects: filters}
	// keep, when set, picks the wanted messages out of an unfiltered
	// consumer's.
	var keep func(subject string) bool
	unfiltered := func() {
		cc.FilterSubjects, keep = nil, func(subject string) bool {
			return slices.ContainsFunc(filters, func(f string) bool {
				return strings.HasPrefix(subject, strings.TrimSuffix(f, ">"))
			})
		}
	}
	if len(filters) > 1 && !multiFilterServer(serverVersion(nc)) {
		// Servers before 2.10 know one filter subject per consumer; the
		// stream is read whole and filtered here instead.
		unfiltered()
	}
	if opts.Since > 0 {
		start := time.Now().Add(-opts.Since)
		cc.DeliverPolicy, cc.OptStartTime = jetstream.DeliverByStartTimePolicy, &start
	}
	cons, err := js.OrderedConsumer(ctx, cfg.Stream, cc)
	if errors.Is(err, jetstream.ErrConsumerMultipleFilterSubjectsNotSupported) && keep == nil {
		// A server that reports a version it does not have (a proxy, a
		// fork) says so only here.
		unfiltered()
		cons, err = js.OrderedConsumer(ctx, cfg.Stream, cc)
	}
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
		if keep == nil || keep(msg.Subject()) {
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
		}
		if !opts.Follow && (meta.NumPending == 0 || meta.Sequence.Stream >= lastSeq) {
			return nil
		}
	}
}

// serverVersion is the connected server's version; tests replace it to
// take the path of an older server.
var serverVersion = func(nc *nats.Conn) string { return nc.ConnectedServerVersion() }

// multiFilterServer reports whether a server of version v ("2.9.10")
// takes several filter subjects on one consumer: 2.10 and later do. A
// version that cannot be read is assumed to, and a refusal is caught when
// the consumer is made.
func multiFilterServer(v string) bool {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return true
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return true
	}
	return major > 2 || (major == 2 && minor >= 10)
}
