package main

import (
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals watches SIGINT and SIGTERM while the live sensor runs, on
// top of main's context, which the first one cancels. main lets a second
// signal kill other commands at once; the sensor must not die that way,
// since its shutdown is what ends the open episodes and writes their
// summaries to the spool. So a second signal only cuts the NATS flush
// short (cut), after the summaries are spooled; a third kills the process,
// for a shutdown that is stuck.
type stopSignals struct {
	ch   chan os.Signal
	done chan struct{}
	mu   sync.Mutex
	got  os.Signal // the second signal, once received
}

func watchStopSignals(log *slog.Logger, cut func()) *stopSignals {
	s := &stopSignals{ch: make(chan os.Signal, 2), done: make(chan struct{})}
	// Registered before the first signal can matter: main's own handler
	// goes away after it, and with no handler left a signal kills.
	signal.Notify(s.ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		// Every signal reaches both handlers, so the first one counted
		// here is the one that cancelled main's context.
		for n := 1; ; n++ {
			select {
			case <-s.done:
				return
			case sig := <-s.ch:
				if n == 1 {
					log.Info("stopping: ending open episodes and spooling their summaries, then publishing to NATS; a second signal cuts the publishing short", "signal", sig.String())
					continue
				}
				s.mu.Lock()
				s.got = sig
				s.mu.Unlock()
				log.Warn("second signal: publishing to NATS cut short; the alerts not yet published stay in the spool; a third signal kills the sensor", "signal", sig.String())
				signal.Stop(s.ch)
				cut()
				return
			}
		}
	}()
	return s
}

// second returns the second signal, nil when none came.
func (s *stopSignals) second() os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got
}

// stop ends the watch.
func (s *stopSignals) stop() {
	signal.Stop(s.ch)
	close(s.done)
}
