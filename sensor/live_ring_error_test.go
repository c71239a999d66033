//go:build linux

package sensor

import (
	"strings"
	"testing"
)

// TestRingErrorNamesKeys: when the ring cannot be set up, the error names
// the configuration keys that size it, so the operator knows what to
// change. A frame larger than the block is refused before any socket is
// opened, so this needs no privilege.
func TestRingErrorNamesKeys(t *testing.T) {
	cfg := &LiveConfig{Sockets: 1, SnapLen: 65535, BlockSize: 4096, NumBlocks: 2}
	socks, err := openSockets("lo", cfg, 1)
	for _, s := range socks {
		s.tp.Close()
	}
	if err == nil {
		t.Fatal("a ring whose frame outgrows its block was set up")
	}
	if !strings.Contains(err.Error(), "capture.block_size 4096 x capture.num_blocks 2") {
		t.Errorf("error %q does not name capture.block_size and capture.num_blocks", err)
	}
}
