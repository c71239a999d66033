package main

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/portsnare/portsnare/sensor/publish"
)

// memInfoPath is where the machine's memory is read; tests point it at a
// file of their own.
var memInfoPath = "/proc/meminfo"

// baseBytes is what the process takes before any configured size: the Go
// runtime, the decoders, the embedded NATS server and its caches.
const baseBytes = 64 << 20

// queueEntryBytes is an alert waiting in the publisher's queue, encoded.
const queueEntryBytes = 2 << 10

// memoryPart is one share of the estimate and the keys that size it.
type memoryPart struct {
	keys  string
	bytes uint64
}

// memoryParts estimates what c needs once its tables and queues are full
// and its rings are mapped.
func (c *Config) memoryParts() []memoryPart {
	capture := c.Capture
	capture.SetDefaults()
	return []memoryPart{
		{"detect.contact_table_size, detect.max_sources, detect.shards", c.Detect.MemoryBytes()},
		{"capture.block_size x capture.num_blocks x capture.sockets x interfaces", capture.RingBytes()},
		{"honeyport.max_conns", c.Honeyport.MemoryBytes()},
		{"the alert queue", publish.QueueLen * queueEntryBytes},
		{"the process itself", baseBytes},
	}
}

// checkMemory refuses a configuration that cannot fit in this machine's
// memory: its tables are allocated whole at start, so a size too big fails
// there, as an out-of-memory kill, rather than later under load. A machine
// whose memory cannot be read is not judged.
func (c *Config) checkMemory() []problem {
	total, ok := memTotal()
	if !ok {
		return nil
	}
	parts := c.memoryParts()
	var need uint64
	for _, p := range parts {
		need += p.bytes
	}
	if need <= total {
		return nil
	}
	slices.SortStableFunc(parts, func(a, b memoryPart) int { return cmp.Compare(b.bytes, a.bytes) })
	var b strings.Builder
	for _, p := range parts {
		if p.bytes == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", p.keys, bytesText(p.bytes))
	}
	// The largest part names the key, so the loader says where its value
	// came from.
	key, _, _ := strings.Cut(parts[0].keys, ",")
	key, _, _ = strings.Cut(key, " ")
	if keyOf(key) != key {
		key = ""
	}
	return []problem{{key, fmt.Sprintf("memory: the configuration needs about %s, more than this machine's %s (MemTotal in %s): %s",
		bytesText(need), bytesText(total), memInfoPath, b.String())}}
}

// memTotal reads MemTotal from memInfoPath, in bytes.
func memTotal() (uint64, bool) {
	f, err := os.Open(memInfoPath)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil || kb == 0 {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}

// bytesText writes n in the largest binary unit that keeps it at least 1.
func bytesText(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
