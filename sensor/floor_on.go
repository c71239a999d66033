//go:build benchfloor

package sensor

// discardEvents, in a binary built with -tags benchfloor, makes the engine's
// goroutine throw every batch away unread: the sensor captures, decodes and
// hands batches over as always, and detects nothing. It exists to measure
// what capture and decoding cost on their own (testdata/bench/live-rate.sh
// FLOOR=1), the floor under any engine. Such a binary says so when it starts
// and must never be deployed.
const discardEvents = true
