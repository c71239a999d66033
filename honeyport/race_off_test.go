//go:build !race

package honeyport

const raceEnabled = false
