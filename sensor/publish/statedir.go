package publish

import (
	"os"
	"path/filepath"
	"strings"
)

// StateDir is where the publisher keeps its files unless told otherwise:
// the spool and the embedded server's store. As root (the service) it is
// /var/lib/portsnare; under systemd with StateDirectory= it is the
// directory systemd made; otherwise it is $XDG_STATE_HOME/portsnare or
// ~/.local/state/portsnare, so that a newcomer's first run, as an ordinary
// user, works without creating anything under /var.
func StateDir() string {
	if d := os.Getenv("STATE_DIRECTORY"); d != "" {
		// systemd may list several, colon-separated; the first is ours.
		first, _, _ := strings.Cut(d, ":")
		return first
	}
	if os.Geteuid() == 0 {
		return "/var/lib/portsnare"
	}
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "portsnare")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "portsnare")
	}
	return filepath.Join(os.TempDir(), "portsnare-"+os.Getenv("USER"))
}
