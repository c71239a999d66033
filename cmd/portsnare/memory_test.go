package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeMemInfo makes the machine seem to have mib MiB of memory.
func fakeMemInfo(t *testing.T, mib int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "meminfo")
	text := "MemTotal:       " + itoa(mib<<10) + " kB\nMemFree:        1024 kB\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	old := memInfoPath
	memInfoPath = path
	t.Cleanup(func() { memInfoPath = old })
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

// TestCheckConfigRefusesWhatCannotFit: check-config used to accept a
// contact table that run then died allocating. Now the estimate of the
// configuration's memory is held against the machine's, naming the keys.
func TestCheckConfigRefusesWhatCannotFit(t *testing.T) {
	fakeMemInfo(t, 2048)
	path := writeFile(t, "big.yaml", "detect:\n  contact_table_size: 268435456\n")
	code, stdout, stderr := runCLI(t, "check-config", "-c", path)
	if code != exitUsage || stdout != "" {
		t.Errorf("exit %d, stdout %q; want exit %d and nothing", code, stdout, exitUsage)
	}
	for _, want := range []string{
		"memory: the configuration needs about 10.",
		"more than this machine's 2.0 GiB",
		"detect.contact_table_size, detect.max_sources, detect.shards: 10.",
		"capture.block_size x capture.num_blocks",
		"(in " + path,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// Rings count too: 64 MiB blocks x 32 per socket, on two interfaces.
	path = writeFile(t, "rings.yaml", "capture:\n  interfaces: [eth0, eth1]\n  block_size: 67108864\n  num_blocks: 32\n  sockets: 1\n")
	code, _, stderr = runCLI(t, "check-config", "-c", path)
	if code != exitUsage || !strings.Contains(stderr, "capture.block_size x capture.num_blocks x capture.sockets x interfaces: 4.0 GiB") {
		t.Errorf("exit %d, stderr %q; want the rings named", code, stderr)
	}

	// The defaults fit a small machine.
	path = writeFile(t, "ok.yaml", "detect:\n  vertical_ports: 30\n")
	if code, _, stderr := runCLI(t, "check-config", "-c", path); code != exitOK {
		t.Errorf("defaults on 2 GiB: exit %d, stderr %q", code, stderr)
	}
}

func TestMemTotal(t *testing.T) {
	fakeMemInfo(t, 3)
	if n, ok := memTotal(); !ok || n != 3<<20 {
		t.Errorf("memTotal() = %d, %v; want %d", n, ok, 3<<20)
	}
	memInfoPath = filepath.Join(t.TempDir(), "absent")
	if _, ok := memTotal(); ok {
		t.Error("memTotal() of a missing file is ok")
	}
}
