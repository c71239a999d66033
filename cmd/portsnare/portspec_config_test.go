package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/portsnare/portsnare/internal/portspec"
)

// portSpecsConfig is a configuration with specs both as decoy ports and as
// the ports of an allowlist rule.
func portSpecsConfig(t *testing.T, specs []string) string {
	quoted := make([]string, len(specs))
	for i, s := range specs {
		quoted[i] = strconv.Quote(s)
	}
	list := "[" + strings.Join(quoted, ", ") + "]"
	return writeFile(t, "portsnare.yaml", "honeyport:\n  ports: "+list+"\n"+
		"allowlist:\n  rules:\n    - name: scanner\n      sources: [10.0.0.5]\n      ports: "+list+"\n")
}

// TestCheckConfigPortSpecsBothPlaces: check-config accepts the same specs
// as decoy ports and as allowlist ports, and refuses a bad one in both with
// the same message.
func TestCheckConfigPortSpecsBothPlaces(t *testing.T) {
	good := []string{"23/tcp", "tcp/23", "161/udp", "udp/161", "UDP/162", "8000-8010/tcp", "tcp/8000-8010",
		"tcp/22,80,443", "22,80/tcp", "udp/53,123", " 5353 / udp "}
	code, stdout, stderr := runCLI(t, "check-config", "-c", portSpecsConfig(t, good))
	if code != exitOK || stdout != "configuration OK\n" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}

	for _, bad := range []string{"tcp/70000", "10-5/udp", "tcpp/80", "80/tcpp", "tcp/", "/udp", "tcp/http", "tcp/22/udp", "1-"} {
		_, perr := portspec.Parse(bad)
		if perr == nil {
			t.Fatalf("%q parses", bad)
		}
		code, _, stderr := runCLI(t, "check-config", "-c", portSpecsConfig(t, []string{bad}))
		if code != exitUsage {
			t.Errorf("%q: exit %d", bad, code)
		}
		for _, where := range []string{"honeyport.ports: ", `allowlist.rules: rule "scanner": ports[0]: `} {
			if !strings.Contains(stderr, where+perr.Error()) {
				t.Errorf("%q: no line says %q; stderr:\n%s", bad, where+perr.Error(), stderr)
			}
		}
	}
}

// TestCheckConfigPortSpecsConsumers: what only one side can use is refused
// by the other, naming the entry.
func TestCheckConfigPortSpecsConsumers(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"icmp/8", `honeyport.ports: "icmp/8": a decoy is a TCP or UDP port, such as "23/tcp" or "161/udp", not icmp`},
		{"any", `honeyport.ports: "any": a decoy is a TCP or UDP port`},
		{"tcp", `honeyport.ports: "tcp": a decoy needs its port numbers, such as "tcp/23"`},
		{"23", `allowlist.rules: rule "scanner": ports[0]: "23": a port needs its protocol, such as "tcp/23" or "udp/23"`},
		{"0/tcp", `honeyport.ports: "0/tcp": port 0 cannot be a decoy (1-65535)`},
	} {
		code, _, stderr := runCLI(t, "check-config", "-c", portSpecsConfig(t, []string{c.spec}))
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, want one problem %q; stderr:\n%s", c.spec, code, c.want, stderr)
		}
	}
}

// TestPortSpecsFromEnvironment: a list of specs in one variable splits
// where one spec ends, not at every comma.
func TestPortSpecsFromEnvironment(t *testing.T) {
	t.Setenv("PORTSNARE_HONEYPORT_PORTS", "udp/53,123, 8000-8010/tcp, 2222,auto")
	cfg, err := load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"udp/53,123", "8000-8010/tcp", "2222", "auto"}
	if !slices.Equal(cfg.Honeyport.Ports, want) {
		t.Errorf("honeyport.ports = %q, want %q", cfg.Honeyport.Ports, want)
	}
}
