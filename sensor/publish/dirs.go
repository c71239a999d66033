package publish

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ChownDirs creates the spool and data directories of c (SetDefaults first,
// while still root, so that they resolve under /var/lib/portsnare) and
// hands them, with what is in them, to uid and gid. A sensor started as
// root that switches to run.user calls it before switching and New after:
// the spool and the embedded server's store then belong to the user that
// writes them.
func (c *Config) ChownDirs(uid, gid int) error {
	for _, dir := range []string{c.SpoolDir, c.DataDir} {
		if dir == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("nats: %w", err)
		}
		err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(path, uid, gid)
		})
		if err != nil {
			return fmt.Errorf("nats: handing %s to uid %d: %w", dir, uid, err)
		}
	}
	return nil
}
