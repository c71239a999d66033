package sensor

import (
	"os/exec"
	"testing"
	"time"
)

// tcpdumpFilter is the live capture filter (captureFilter) written as a
// pcap-filter expression, so that tcpdump's pass over a capture does the
// work the sensor's kernel filter does: keep non-IPv4 frames, IPv4
// fragments, every protocol but TCP, and of TCP the segments that can be a
// probe or tell an outcome; drop data segments.
const tcpdumpFilter = "not ip or ip[6:2] & 0x3fff != 0 or not tcp or tcp[13] & 7 != 0 or tcp[13] & 0x10 = 0 " +
	"or ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) = 0"

// tcpdumpPass times `tcpdump -r path -w /dev/null FILTER` n times, the
// baseline BenchmarkReplay's x-tcpdump compares against. ok is false when
// tcpdump is not installed.
func tcpdumpPass(b *testing.B, path string, n int) (took time.Duration, ok bool) {
	bin, err := exec.LookPath("tcpdump")
	if err != nil {
		return 0, false
	}
	for range n {
		cmd := exec.Command(bin, "-n", "-q", "-r", path, "-w", "/dev/null", tcpdumpFilter)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("tcpdump: %v\n%s", err, out)
		}
		took += time.Since(start)
	}
	return took, true
}
