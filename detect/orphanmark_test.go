package detect

import "testing"

// A marked key is found for at least orphanSecs after its mark, however
// many other keys are marked meanwhile; marks older than two turns are
// gone; an engine that never had an orphan has no marks.
func TestOrphanMarks(t *testing.T) {
	var m orphanMarks
	if m.maybe(42) {
		t.Fatal("a mark before any orphan")
	}
	m.mark(42, 100)
	for now := tsecs(100); now <= 100+orphanSecs; now++ {
		m.mark(uint64(now)*7919, now) // other orphans turn the sets
		if !m.maybe(42) {
			t.Fatalf("the orphan marked at 100 is lost at %d", now)
		}
	}
	unset := 0
	for k := uint64(1000); k < 2000; k++ {
		if !m.maybe(k) {
			unset++
		}
	}
	if unset < 990 {
		t.Errorf("%d of 1000 unmarked keys read as marked", 1000-unset)
	}
	m.mark(1, 100+2*orphanSecs+2)
	m.mark(2, 100+3*orphanSecs+4)
	if m.maybe(42) {
		t.Error("a mark two turns old is still there")
	}
}
