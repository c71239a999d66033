//go:build unix

package sensor

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReplayPipe replays a named pipe, which can be read only once: the
// check before the replay must leave it alone.
func TestReplayPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	data := pcapBytes(binary.LittleEndian, false, LinkTypeEthernet, scanPackets(t, time.Now(), 50))
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.Write(data)
		f.Close()
	}()
	st, err := Replay(context.Background(), ReplayOptions{Files: []string{path}, Engine: testEngine()})
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != 100 || st.Files[0].Err != nil {
		t.Fatalf("stats %+v", st)
	}
}
