package sensor

import (
	"reflect"
	"testing"
)

// TestDecodeStatsArithmetic: add and sub cover every counter, so a field
// added to DecodeStats and forgotten in either is caught here rather than
// as a live sensor's counter stuck at zero or a replay's per-file figure
// that is off.
func TestDecodeStatsArithmetic(t *testing.T) {
	var a, b DecodeStats
	va, vb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	for i := range va.NumField() {
		if va.Field(i).Kind() != reflect.Uint64 {
			t.Fatalf("DecodeStats.%s is not a uint64 counter: extend this test", va.Type().Field(i).Name)
		}
		va.Field(i).SetUint(uint64(i + 1))
		vb.Field(i).SetUint(uint64(100 * (i + 1)))
	}
	sum := a.add(b)
	vs := reflect.ValueOf(sum)
	for i := range vs.NumField() {
		if got, want := vs.Field(i).Uint(), uint64(101*(i+1)); got != want {
			t.Errorf("add: %s = %d, want %d", vs.Type().Field(i).Name, got, want)
		}
	}
	if diff := sum.sub(b); diff != a {
		t.Errorf("sub does not undo add:\n got %+v\nwant %+v", diff, a)
	}
}
