package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// dropPrivileges switches to name once the sockets are open: capture sockets
// and bound listeners keep working, and nothing after this point runs as
// root. Only a process started as root switches; others keep their user (the
// systemd unit runs as a dynamic user with just the capabilities it needs).
// prepare, called with the target ids before the switch, hands over what the
// unprivileged process must still write.
func dropPrivileges(name string, log *slog.Logger, prepare func(uid, gid int) error) error {
	if name == "" || os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("run.user: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("run.user %q: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return fmt.Errorf("run.user %q: gid %q: %w", name, u.Gid, err)
	}
	if err := prepare(uid, gid); err != nil {
		return fmt.Errorf("run.user %q: %w", name, err)
	}
	// Group first: once the uid is not root, the gid can no longer change.
	if err := syscall.Setgroups([]int{gid}); err != nil {
		return fmt.Errorf("run.user %q: setgroups: %w", name, err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("run.user %q: setgid: %w", name, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("run.user %q: setuid: %w", name, err)
	}
	// Nothing the process runs from here on may gain a privilege.
	if err := setNoNewPrivs(); err != nil {
		return fmt.Errorf("run.user %q: %w", name, err)
	}
	log.Info("dropped privileges", "user", name, "uid", uid, "gid", gid, "no_new_privs", true)
	return nil
}
