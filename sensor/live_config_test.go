package sensor

import (
	"strings"
	"testing"
)

// num_blocks had no upper bound, and a snaplen whose frame outgrows the
// block passed check-config only for the ring to be refused at start.
func TestLiveConfigBoundsRing(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*LiveConfig)
		want string
	}{
		{"num_blocks", func(c *LiveConfig) { c.NumBlocks = 1 << 40 }, "capture.num_blocks must be between 2 and"},
		{"block_size", func(c *LiveConfig) { c.BlockSize = 1 << 40 }, "capture.block_size must be a power of two between 4096 and"},
		{"ring", func(c *LiveConfig) { c.BlockSize, c.NumBlocks = 1<<28, 16 }, "capture.block_size x capture.num_blocks must be at most"},
		{"frame", func(c *LiveConfig) { c.BlockSize, c.SnapLen = 4096, 65535 }, "capture.block_size must hold one frame of capture.snaplen 65535"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := LiveConfig{}
			c.SetDefaults()
			tc.set(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	c := LiveConfig{Interfaces: []string{"a", "b"}, Sockets: 4, SnapLen: 192, BlockSize: 1 << 20, NumBlocks: 32}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := c.RingBytes(), uint64(2*4*32<<20); got != want {
		t.Errorf("RingBytes() = %d, want %d", got, want)
	}
}
