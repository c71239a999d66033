package publish

import (
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Dial connects a long-running reader of the stream (portsnare block) where
// Read would: nats.urls, or the embedded server's nats.listen, with the TLS
// and credential keys. It reconnects for ever once connected. Errors name
// the server and the keys that would fix them; Permanent tells those that
// retrying will not cure.
func Dial(cfg Config, name string) (*nats.Conn, error) {
	cfg.SetDefaults()
	url, err := ReadURL(cfg)
	if err != nil {
		return nil, err
	}
	opts, err := authOptions(cfg)
	if err != nil {
		return nil, err
	}
	opts = append(opts, nats.Name(name), nats.MaxReconnects(-1))
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		if errors.Is(err, nats.ErrNoServers) {
			return nil, fmt.Errorf("NATS at %s is unreachable: %w", Redact(url), err)
		}
		return nil, explain(url, err)
	}
	return nc, nil
}

// DialJetStream is Dial with the connection's JetStream context, for the
// long-running consumers (portsnare block, portsnare correlate). The
// caller closes the connection.
func DialJetStream(cfg Config, name string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := Dial(cfg, name)
	if err != nil {
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// Permanent reports whether a connection error is one of configuration —
// refused credentials, TLS — that retrying will not cure.
func Permanent(err error) bool { return permanent(err) }

// MultiFilter reports whether the connected server takes several filter
// subjects on one consumer (2.10 and later).
func MultiFilter(nc *nats.Conn) bool { return multiFilterServer(serverVersion(nc)) }
