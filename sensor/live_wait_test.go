//go:build linux

package sensor

import (
	"reflect"
	"testing"

	"github.com/google/gopacket/afpacket"
)

// TestTPacketHasFD: the live capture waits on afpacket's socket through its
// unexported descriptor field; an afpacket upgrade that renames it fails
// here rather than at a sensor's start.
func TestTPacketHasFD(t *testing.T) {
	f, ok := reflect.TypeFor[afpacket.TPacket]().FieldByName("fd")
	if !ok || f.Type.Kind() != reflect.Int {
		t.Fatalf("afpacket.TPacket has no int field fd (%v)", f.Type)
	}
	if _, err := tpacketFD(&afpacket.TPacket{}); err != nil {
		t.Fatal(err)
	}
}
