//go:build linux && !race

package honeyport

const raceEnabled = false
