//go:build !linux

package main

import (
	"fmt"
	"runtime"
)

// setNoNewPrivs fails: no_new_privs is Linux's. portsnare run refuses to
// start on other systems before it drops privileges (live capture needs
// Linux too); were it ever to get here, a process that cannot restrict
// itself stops rather than run unrestricted.
func setNoNewPrivs() error {
	return fmt.Errorf("no_new_privs needs Linux (this is %s)", runtime.GOOS)
}
