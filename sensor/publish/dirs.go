package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ChownDirs prepares the spool and data directories of c for a process
// that runs as root now and is about to switch to uid and gid (run.user).
// Call SetDefaults first, while still root, so that they resolve under
// /var/lib/portsnare.
//
// It chowns only what it creates itself. A directory that does not exist
// is created (0700, owned by uid:gid), and so are its missing parents
// (0755, owned by root: the user must pass through them, never write in
// them). A directory that exists must already belong to uid — from an
// earlier start — and is then used as it is; any other is refused with an
// error naming the key. Refusing, rather than creating a portsnare/ leaf
// inside the configured directory, keeps every installation's files where
// its configuration says they are, whatever run.user is; and it never
// hands over a file portsnare did not make, so a slip such as
// "spool_dir: /etc/portsnare" cannot give the service user the
// configuration.
func (c *Config) ChownDirs(uid, gid int) error {
	for _, d := range []struct{ key, dir string }{{"nats.spool_dir", c.SpoolDir}, {"nats.data_dir", c.DataDir}} {
		if d.dir == "" {
			continue
		}
		if err := handOver(d.key, d.dir, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// handOver makes dir (the value of key) a directory of uid's own that uid
// can reach.
func handOver(key, dir string, uid, gid int) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%s %q: %w", key, dir, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err == nil:
		if !fi.IsDir() {
			return fmt.Errorf("%s %q is not a directory", key, dir)
		}
		if owner, _ := ownerOf(fi); owner != uid {
			return fmt.Errorf("%s %q exists and belongs to uid %d, not to run.user (uid %d): "+
				"portsnare hands over only directories it creates; name a directory that does not exist yet, "+
				"or give this one to the user yourself (chown -R %d:%d %s) if everything in it is the sensor's",
				key, dir, owner, uid, uid, gid, abs)
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := createFor(abs, uid, gid); err != nil {
			return fmt.Errorf("%s %q: %w", key, dir, err)
		}
	default:
		return fmt.Errorf("%s %q: %w", key, dir, err)
	}
	if err := reachable(abs, uid, gid); err != nil {
		return fmt.Errorf("%s %q: run.user (uid %d) cannot reach it: %w", key, dir, uid, err)
	}
	return nil
}

// createFor creates dir for uid:gid and the parents it lacks for root.
// Modes are set explicitly: a umask such as 077 must not leave the
// parents closed to the user.
func createFor(dir string, uid, gid int) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d, mode := missing[i], fs.FileMode(0o755)
		if i == 0 {
			mode = 0o700
		}
		if err := os.Mkdir(d, mode); err != nil {
			return err
		}
		if err := os.Chmod(d, mode); err != nil {
			return err
		}
	}
	// Lchown: should the new directory have been swapped for a symbolic
	// link meanwhile, the link changes owner, not what it points to.
	return os.Lchown(dir, uid, gid)
}

// reachable reports the first directory on the way to dir that uid,
// with gid as its only group (see dropPrivileges), may not pass through.
func reachable(dir string, uid, gid int) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		owner, group := ownerOf(fi)
		perm := fi.Mode().Perm()
		var x fs.FileMode = 0o001
		switch {
		case owner == uid:
			x = 0o100
		case group == gid:
			x = 0o010
		}
		if perm&x == 0 {
			return fmt.Errorf("%s is mode %04o, owned by uid %d and gid %d", d, perm, owner, group)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func ownerOf(fi fs.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
