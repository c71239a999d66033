package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/honeyport"
)

// TestHoneyportKeysAreValidateNames ties each honeyport.* key to the name
// honeyport's Validate uses, so that a bad value is reported under the key
// the user wrote.
func TestHoneyportKeysAreValidateNames(t *testing.T) {
	for _, s := range settings {
		if !strings.HasPrefix(s.key, "honeyport.") || s.key == "honeyport.enabled" {
			continue
		}
		c := defaultConfig()
		c.Detect.Sensor = "test"
		switch f := s.field(&c).(type) {
		case *int:
			*f = -1
		case *float64:
			*f = -1
		case *time.Duration:
			*f = -1
		case *[]string:
			*f = []string{"bogus"}
		case *[]uint16:
			*f = []uint16{0}
		default:
			t.Fatalf("%s: unexpected type %T", s.key, f)
		}
		ps := c.validate()
		if !slicesContainsKey(ps, s.key) && !slices.ContainsFunc(ps, func(p problem) bool {
			return p.key == s.key && strings.HasPrefix(p.text, s.key+":")
		}) {
			t.Errorf("%s invalid: no problem names the key: %v", s.key, ps)
		}
	}
}

func TestHoneyportFromFileAndEnv(t *testing.T) {
	t.Setenv("PORTSNARE_HONEYPORT_BANNERS", "2222=ssh, 161/udp=smtp")
	cfg, err := load(t, "honeyport:\n  enabled: true\n  ports: [auto, 2222, 161/udp]\n  dark_ports: [4444]\n")
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.Honeyport
	if !h.Enabled || !slices.Equal(h.Ports, []string{"auto", "2222", "161/udp"}) ||
		!slices.Equal(h.Banners, []string{"2222=ssh", "161/udp=smtp"}) || !slices.Equal(h.DarkPorts, []uint16{4444}) {
		t.Errorf("loaded %+v", h)
	}
	if h.RecordBytes != honeyport.DefaultConfig().RecordBytes {
		t.Errorf("record_bytes %d, want the default", h.RecordBytes)
	}

	_, err = load(t, "honeyport:\n  read_timeout: 2m\n")
	wantProblems(t, problems(t, err), "honeyport.read_timeout must be a positive duration of at most 1m0s, got 2m0s (in ")
}
