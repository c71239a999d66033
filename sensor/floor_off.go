//go:build !benchfloor

package sensor

// discardEvents is false in every build but the capture floor's (see
// floor_on.go).
const discardEvents = false
