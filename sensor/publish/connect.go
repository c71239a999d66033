package publish

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// clientOptions are the connection options: TLS, credentials and the
// reconnection policy. Credential files are read here, so a bad one is an
// error from New rather than at the first connection.
func (p *Publisher) clientOptions() ([]nats.Option, error) {
	log, wake := p.log, p.wake
	opts := []nats.Option{
		nats.Name("portsnare"),
		// Once connected, never give up: the spool holds the alerts meanwhile.
		nats.MaxReconnects(-1),
		nats.IgnoreAuthErrorAbort(),
		// Without a reconnect buffer a publish fails at once while the
		// connection is down, instead of sitting in a second, volatile
		// buffer: the spool is the buffer.
		nats.ReconnectBufSize(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("disconnected from NATS; alerts are kept in the spool", "error", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("reconnected to NATS", "url", nc.ConnectedUrlRedacted())
			select {
			case wake <- struct{}{}:
			default:
			}
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			p.setConnError(err)
			log.Debug("reconnecting to NATS failed", "error", err)
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("NATS error", "error", err)
		}),
	}
	auth, err := authOptions(p.cfg)
	if err != nil {
		return nil, err
	}
	return append(opts, auth...), nil
}

// authOptions are the TLS and credential options; Read uses them too.
func authOptions(cfg Config) ([]nats.Option, error) {
	var opts []nats.Option
	if cfg.TLSCA != "" {
		opts = append(opts, nats.RootCAs(cfg.TLSCA))
	}
	if cfg.TLSCert != "" {
		opts = append(opts, nats.ClientCert(cfg.TLSCert, cfg.TLSKey))
	}
	switch {
	case cfg.CredsFile != "":
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	case cfg.NkeyFile != "":
		o, err := nats.NkeyOptionFromSeed(cfg.NkeyFile)
		if err != nil {
			return nil, fmt.Errorf("nats.nkey_file %s: %w", cfg.NkeyFile, err)
		}
		opts = append(opts, o)
	case cfg.Token != "":
		opts = append(opts, nats.Token(cfg.Token))
	case cfg.User != "":
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	return opts, nil
}

// dial connects, retrying with backoff while the servers are unreachable,
// until ctx ends (nil, nil). An error that retrying cannot cure — refused
// credentials, a certificate that does not verify — is returned at once,
// explained.
func (p *Publisher) dial(ctx context.Context) (*nats.Conn, error) {
	wait := time.Second
	warned := false
	for {
		nc, err := nats.Connect(p.url, p.natsOpts...)
		if err == nil {
			if warned {
				p.log.Info("connected to NATS", "url", nc.ConnectedUrlRedacted())
			} else {
				p.log.Debug("connected to NATS", "url", nc.ConnectedUrlRedacted())
			}
			return nc, nil
		}
		p.stats.errors.Add(1)
		p.setConnError(err)
		if permanent(err) {
			return nil, explain(p.url, err)
		}
		if !warned {
			p.log.Warn("NATS unreachable; alerts are kept in the spool and published once it is back", "url", Redact(p.url), "error", err)
			warned = true
		} else {
			p.log.Debug("NATS still unreachable", "url", Redact(p.url), "error", err)
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// permanent reports whether err is a configuration problem that retrying
// will not cure.
func permanent(err error) bool {
	if authError(err) || errors.Is(err, nats.ErrSecureConnRequired) || errors.Is(err, nats.ErrSecureConnWanted) {
		return true
	}
	return tlsError(err)
}

func authError(err error) bool {
	return errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) ||
		errors.Is(err, nats.ErrAuthRevoked) || errors.Is(err, nats.ErrAccountAuthExpired)
}

func tlsError(err error) bool {
	var (
		unknown   x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		alert     tls.AlertError
		record    tls.RecordHeaderError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verifyErr) || errors.As(err, &alert) || errors.As(err, &record)
}

// explain adds to err the keys that would fix it.
func explain(url string, err error) error {
	switch {
	case authError(err):
		return fmt.Errorf("NATS at %s refused the credentials: %w (check nats.token, nats.user and nats.password, nats.creds_file or nats.nkey_file)", Redact(url), err)
	case permanent(err):
		return fmt.Errorf("NATS at %s: TLS failed: %w (check nats.urls' scheme, nats.tls_ca, nats.tls_cert and nats.tls_key)", Redact(url), err)
	}
	return fmt.Errorf("NATS at %s: %w", Redact(url), err)
}

// Redact hides credentials written into URLs (nats://user:pass@host), for
// logs and output.
func Redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, u := range parts {
		if at := strings.LastIndex(u, "@"); at >= 0 {
			if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
				parts[i] = u[:scheme+3] + "***" + u[at:]
			}
		}
	}
	return strings.Join(parts, ",")
}
