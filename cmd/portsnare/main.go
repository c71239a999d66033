// Command portsnare is the portsnare network sensor: it detects port scans
// in live traffic or in capture files and publishes one alert per scanning
// episode.
//
// This package is wiring only: cobra commands, viper configuration, logging,
// signals and exit codes. Detection lives in detect, capture and sinks in
// sensor. Run "portsnare --help" for the commands, the configuration keys and
// the exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default behaviour so that a second
	// Ctrl-C kills a command that is slow to wind down.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
