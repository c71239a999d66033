package block

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)

// alertDoc is an alert document as the sensor publishes it, trimmed to
// what decisions read, with the given changes.
func alertDoc(src string, change func(*Alert)) Alert {
	var a Alert
	a.Timestamp = t0
	a.Event.Kind, a.Event.ID, a.Event.Action = "alert", "id-1", "portscan"
	a.Source.IP = src
	a.Portsnare.Phase, a.Portsnare.Episode = "start", "ep-1"
	if change != nil {
		change(&a)
	}
	return a
}

func TestDecide(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Timeout = 10 * time.Minute
	cfg.Never = []string{"198.51.100.0/24", "2001:db8:bad::/48", "203.0.113.9"}
	d, err := NewDecider(cfg, DefaultInternal)
	if err != nil {
		t.Fatal(err)
	}
	d.SetOwn([]netip.Addr{netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("2001:db8::2")})
	scanner := "198.18.0.10"
	tests := []struct {
		name    string
		alert   Alert
		now     time.Time
		want    Reason
		timeout time.Duration
	}{
		{"a scan's start blocks for the timeout", alertDoc(scanner, nil), t0, "", 10 * time.Minute},
		{"an update blocks", alertDoc(scanner, func(a *Alert) { a.Portsnare.Phase = "update" }), t0, "", 10 * time.Minute},
		{"IPv6 blocks", alertDoc("2001:db8:1::10", nil), t0, "", 10 * time.Minute},
		{"a decoy touch with a handshake blocks", alertDoc(scanner, func(a *Alert) {
			a.Event.Action = "honeyport"
			a.Portsnare.Honeyport = &struct{ Spoofable bool }{false}
		}), t0, "", 10 * time.Minute},
		{"the time left is the timeout less the alert's age", alertDoc(scanner, nil), t0.Add(4 * time.Minute), "", 6 * time.Minute},
		{"a sensor clock ahead never lengthens the block", alertDoc(scanner, nil), t0.Add(-time.Hour), "", 10 * time.Minute},
		{"an IPv4-mapped source is its IPv4 address", alertDoc("::ffff:198.18.0.10", nil), t0, "", 10 * time.Minute},

		{"an episode's end adds nothing", alertDoc(scanner, func(a *Alert) { a.Portsnare.Phase = "end" }), t0, SkipPhase, 0},
		{"a coverage report is no alert", alertDoc(scanner, func(a *Alert) { a.Event.Kind = "event"; a.Event.Action = "authorized-scan-report" }), t0, SkipNotAlert, 0},
		{"a missed authorized scan blocks nobody", alertDoc(scanner, func(a *Alert) { a.Event.Action = "authorized-scan-missing" }), t0, SkipAction, 0},
		{"suppressed: an allowlisted scanner", alertDoc(scanner, func(a *Alert) { a.Portsnare.Suppressed = true }), t0, SkipSuppressed, 0},
		{"spoofable: a dark port seen only by capture", alertDoc(scanner, func(a *Alert) {
			a.Event.Action = "honeyport"
			a.Portsnare.Honeyport = &struct{ Spoofable bool }{true}
		}), t0, SkipSpoofable, 0},
		{"no source address", alertDoc("", nil), t0, SkipAddress, 0},
		{"a source that is no address", alertDoc("sensor-1", nil), t0, SkipAddress, 0},
		{"unspecified", alertDoc("0.0.0.0", nil), t0, SkipSpecial, 0},
		{"multicast", alertDoc("ff02::1", nil), t0, SkipSpecial, 0},
		{"broadcast", alertDoc("255.255.255.255", nil), t0, SkipSpecial, 0},
		{"loopback", alertDoc("127.0.0.1", nil), t0, SkipSpecial, 0},
		{"this host's IPv4 address", alertDoc("198.18.0.2", nil), t0, SkipOwn, 0},
		{"this host's IPv6 address", alertDoc("2001:db8::2", nil), t0, SkipOwn, 0},
		{"in a block.never CIDR", alertDoc("198.51.100.7", nil), t0, SkipNever, 0},
		{"a block.never address", alertDoc("203.0.113.9", nil), t0, SkipNever, 0},
		{"in a block.never IPv6 CIDR", alertDoc("2001:db8:bad:1::5", nil), t0, SkipNever, 0},
		{"RFC 1918", alertDoc("10.1.2.3", nil), t0, SkipInternal, 0},
		{"RFC 1918, 172.16/12", alertDoc("172.31.255.1", nil), t0, SkipInternal, 0},
		{"RFC 4193", alertDoc("fd00::5", nil), t0, SkipInternal, 0},
		{"link-local", alertDoc("fe80::1", nil), t0, SkipInternal, 0},
		{"expired: older than the timeout", alertDoc(scanner, nil), t0.Add(10 * time.Minute), SkipExpired, 0},
		{"expired: less than a second left", alertDoc(scanner, nil), t0.Add(10*time.Minute - 500*time.Millisecond), SkipExpired, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := d.Decide(tc.alert, tc.now)
			if got.Skip != tc.want || got.Timeout != tc.timeout {
				t.Fatalf("Decide(%s %s from %q) = skip %q for %s, want skip %q for %s",
					tc.alert.Event.Action, tc.alert.Portsnare.Phase, tc.alert.Source.IP, got.Skip, got.Timeout, tc.want, tc.timeout)
			}
			if got.Skip == "" && !got.Addr.Is4() && tc.alert.Source.IP == "::ffff:198.18.0.10" {
				t.Fatalf("the mapped address stayed IPv6: %s", got.Addr)
			}
		})
	}
}

// With block.internal an internal scanner is blocked, and the host's own
// and special addresses still are not.
func TestDecideBlockInternal(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Internal = true
	d, err := NewDecider(cfg, DefaultInternal)
	if err != nil {
		t.Fatal(err)
	}
	d.SetOwn([]netip.Addr{netip.MustParseAddr("10.0.0.1")})
	for src, want := range map[string]Reason{"10.1.2.3": "", "fd00::5": "", "10.0.0.1": SkipOwn, "127.0.0.1": SkipSpecial} {
		if got := d.Decide(alertDoc(src, nil), t0).Skip; got != want {
			t.Errorf("block.internal: %s skipped as %q, want %q", src, got, want)
		}
	}
}

func TestDecideActions(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Actions = []string{"honeyport"}
	d, err := NewDecider(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Decide(alertDoc("198.18.0.10", nil), t0).Skip; got != SkipAction {
		t.Errorf("portscan with block.actions [honeyport]: skip %q, want %q", got, SkipAction)
	}
	if got := d.Decide(alertDoc("198.18.0.10", func(a *Alert) { a.Event.Action = "honeyport" }), t0).Skip; got != "" {
		t.Errorf("honeyport with block.actions [honeyport]: skip %q, want a block", got)
	}
}

func ExampleDecider_Decide() {
	cfg := DefaultConfig()
	cfg.Timeout = time.Hour
	d, _ := NewDecider(cfg, DefaultInternal)
	for _, src := range []string{"198.18.0.10", "192.168.1.5"} {
		dec := d.Decide(alertDoc(src, nil), t0.Add(15*time.Minute))
		fmt.Printf("%s: skip=%q for %s\n", src, dec.Skip, dec.Timeout)
	}
	// Output:
	// 198.18.0.10: skip="" for 45m0s
	// 192.168.1.5: skip="internal" for 0s
}
