package detect

import (
	"strings"
	"testing"
)

// Sizes past their bounds used to pass Validate and then wedge the engine at
// start: a contact table above 2^62 slots spun forever in its sizing, 2^40
// died allocating, and a huge shard count grew to gigabytes.
func TestValidateBoundsSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"contact table past 2^62", func(c *Config) { c.ContactTableSize = 1<<62 + 1 }, "contact_table_size must be between 1024 and"},
		{"contact table 2^40", func(c *Config) { c.ContactTableSize = 1 << 40 }, "contact_table_size must be between 1024 and"},
		{"max sources", func(c *Config) { c.MaxSources = 1 << 40 }, "max_sources must be at most"},
		{"shards", func(c *Config) { c.MaxSources = MaxMaxSources; c.Shards = 1 << 20 }, "shards must be at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.set(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	c := DefaultConfig()
	c.ContactTableSize, c.MaxSources, c.Shards = MaxContactTableSize, MaxMaxSources, MaxShards
	if err := c.Validate(); err != nil {
		t.Fatalf("the bounds themselves are refused: %v", err)
	}
}

func TestMemoryBytes(t *testing.T) {
	c := DefaultConfig()
	got := c.MemoryBytes()
	// 2^20 contact slots at 24 bytes and 200,000 sources at ~1.5 KB.
	low := uint64(1<<20*24 + 200_000*1200)
	if got < low || got > 2*low {
		t.Errorf("default MemoryBytes() = %d, want between %d and %d", got, low, 2*low)
	}
	c.ContactTableSize *= 4
	if bigger := c.MemoryBytes(); bigger < got+3<<20*24 {
		t.Errorf("MemoryBytes() with 4x the contact table = %d, want at least %d", bigger, got+3<<20*24)
	}
	// An invalid size gives a finite estimate, not a wrapped-around one.
	c.ContactTableSize, c.MaxSources = 1<<62+1, 1<<62
	if b := c.MemoryBytes(); b < 24<<30 || b > 1<<40 {
		t.Errorf("MemoryBytes() of huge sizes = %d, want the estimate at the bounds", b)
	}
}
