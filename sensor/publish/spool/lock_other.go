//go:build !unix

package spool

import "os"

// lockDir does not lock where flock is missing: one process per spool
// directory is then the operator's to ensure.
func lockDir(dir string) (*os.File, error) { return nil, nil }

func unlock(f *os.File) error { return nil }
