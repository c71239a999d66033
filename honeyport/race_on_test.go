//go:build linux && race

package honeyport

// raceEnabled: the race detector's shadow memory multiplies RSS, so memory
// bounds on RSS allow for it.
const raceEnabled = true
