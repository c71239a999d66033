// Package testkit is what the project's tests share: a buffer that
// goroutines write while a test reads it, polling waits that fail with
// what they waited for, embedded NATS servers on free loopback ports,
// network namespaces with the commands run in them, the binary built
// for tests that need a real process, small MaxMind-format databases
// written in Go (no downloaded GeoIP data), and the one gate of the
// end-to-end tests (PORTSNARE_E2E).
//
// It is imported only from _test.go files. Every helper either returns
// an error or fails the test with a message that says what it was
// doing, so that a broken test bed reads as such and never as a pass.
package testkit
