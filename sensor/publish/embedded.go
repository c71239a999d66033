package publish

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Embedded is a nats-server running inside the process, with JetStream
// stored on disk in Config.DataDir and clients accepted on Config.Listen.
// It is what a sensor publishes to when no URL is configured, so that a
// first run works with nothing else installed and consumers can attach.
type Embedded struct {
	srv *server.Server
	log *slog.Logger
}

// StartEmbedded starts the server and waits until it accepts clients. Only
// nats.token, or nats.user and nats.password, protect it; without them any
// local process can connect, which is why it listens on loopback by default.
func StartEmbedded(cfg Config, log *slog.Logger) (*Embedded, error) {
	cfg.SetDefaults()
	host, portStr, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("nats.listen: %w", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("nats.listen: bad port %q", portStr)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded NATS server: %w", err)
	}
	opts := &server.Options{
		ServerName:             "portsnare",
		Host:                   host,
		Port:                   port,
		JetStream:              true,
		StoreDir:               cfg.DataDir,
		NoSigs:                 true, // signals are the sensor's to handle
		DisableJetStreamBanner: true,
		Authorization:          cfg.Token,
		Username:               cfg.User,
		Password:               cfg.Password,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS server: %w", err)
	}
	logger := &serverLogger{log: log.With("component", "nats-server")}
	srv.SetLoggerV2(logger, false, false, false)
	srv.Start()
	// Poll, so that a fatal start-up error (the port taken) is reported at
	// once rather than after the whole wait.
	ready := false
	for deadline := time.Now().Add(10 * time.Second); !ready && logger.fatal() == "" && time.Now().Before(deadline); {
		ready = srv.ReadyForConnections(50 * time.Millisecond)
	}
	if !ready {
		srv.Shutdown()
		srv.WaitForShutdown()
		if f := logger.fatal(); strings.Contains(f, "listen") {
			return nil, fmt.Errorf("embedded NATS server cannot listen on %s: %s (is another portsnare or nats-server running? change nats.listen, or set nats.urls to publish to that server)", cfg.Listen, f)
		} else if f != "" {
			return nil, fmt.Errorf("embedded NATS server: %s", f)
		}
		return nil, fmt.Errorf("embedded NATS server on %s did not start within 10s", cfg.Listen)
	}
	if !srv.JetStreamEnabled() {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("embedded NATS server: JetStream did not start in %s: %s", cfg.DataDir, logger.fatal())
	}
	e := &Embedded{srv: srv, log: log}
	log.Info("embedded NATS server started", "url", e.ClientURL(), "store", cfg.DataDir)
	return e, nil
}

// ClientURL is the URL consumers connect to, e.g. nats://127.0.0.1:4222
// (with the actual port when the configured one was 0).
func (e *Embedded) ClientURL() string { return e.srv.ClientURL() }

// Server is the running server.
func (e *Embedded) Server() *server.Server { return e.srv }

// Shutdown stops the server and waits until it has stopped, JetStream's
// files flushed.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// serverLogger passes nats-server's log to slog. Notices (a dozen lines at
// every start) go to Debug; the sensor logs the one line that matters.
// Fatal errors are logged and kept, since with our logger the server does
// not exit: StartEmbedded reports them.
type serverLogger struct {
	log *slog.Logger
	mu  sync.Mutex
	f   string
}

func (l *serverLogger) Noticef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Tracef(format string, v ...any)  {}
func (l *serverLogger) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.log.Error(msg)
	l.mu.Lock()
	if l.f == "" {
		l.f = msg
	}
	l.mu.Unlock()
}

func (l *serverLogger) fatal() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f
}

var _ server.Logger = (*serverLogger)(nil)
