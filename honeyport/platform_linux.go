package honeyport

// platformSupported returns nil: the decoys are built on Linux's
// /proc/net tables and IP_PKTINFO (see platform_other.go).
func platformSupported() error { return nil }
