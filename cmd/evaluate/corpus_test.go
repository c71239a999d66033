package main

import (
	"bytes"
	"path/filepath"
	"sync"
	"testing"

	"github.com/portsnare/portsnare/sensor"
)

// TestCorpusDetection holds the engine to the project's labelled corpus:
// every scanner recorded or generated there is flagged, and no benign
// capture raises an alert. A change that breaks a class shows here, with
// the table that says which.
//
// A benign capture's silence counts only if the engine saw its traffic:
// each must give it probes, and replies that told a first contact's
// outcome, so that a capture that replays as nothing cannot pass.
func TestCorpusDetection(t *testing.T) {
	dirs := []string{
		filepath.Join("..", "..", "testdata", "corpus", "recorded"),
		filepath.Join("..", "..", "testdata", "corpus", "synthetic"),
	}
	var mu sync.Mutex
	stats := map[string]sensor.ReplayStats{}
	counted := func(path string) ([]*episode, error) {
		eps, st, err := replayCounted(path)
		mu.Lock()
		stats[path] = st
		mu.Unlock()
		return eps, err
	}
	var out, errOut bytes.Buffer
	if code := run(dirs, &out, &errOut, counted); code != 0 {
		t.Fatalf("evaluate exited %d (a scan missed or a benign capture alerted):\n%s%s", code, out.String(), errOut.String())
	}
	benign := 0
	for _, dir := range dirs {
		caps, err := loadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range caps {
			if c.isScan() {
				continue
			}
			benign++
			st, ok := stats[c.path]
			if !ok {
				t.Errorf("%s: benign capture never replayed", c.name)
				continue
			}
			checkSeen(t, c, st)
		}
	}
	if benign == 0 {
		t.Error("the corpus has no benign capture")
	}
}

// minBenignProbes is the least first-contact traffic a benign capture of
// the corpus holds: the smallest, a Windows client's refused retries, has
// 14 probes.
const minBenignProbes = 10

// unanswered names the benign captures whose answers cannot be seen, and
// why; every other one must show at least one outcome.
var unanswered = map[string]string{
	"windows-midflow-acks.pcap.gz": "mid-flow ACKs of connections that began before the capture: nothing in it answers a first contact",
}

// answersOnly names the benign captures that hold answers and no probes,
// and why; the engine must count at least minBenignProbes replies in them
// instead.
var answersOnly = map[string]string{
	"backscatter.pcap.gz": "a flood's victim answering forged sources: nothing is sent from the range, every contact is inferred from its answer",
}

func checkSeen(t *testing.T, c capture, st sensor.ReplayStats) {
	t.Helper()
	if _, ok := answersOnly[c.File]; ok {
		if st.Engine.Replies < minBenignProbes {
			t.Errorf("%s: the engine counted %d replies; an answers-only benign capture of the corpus has at least %d", c.name, st.Engine.Replies, minBenignProbes)
		}
	} else if st.Engine.Probes < minBenignProbes {
		t.Errorf("%s: the engine counted %d probes; a benign capture of the corpus has at least %d", c.name, st.Engine.Probes, minBenignProbes)
	}
	if _, ok := unanswered[c.File]; !ok && st.Engine.RepliesMatched == 0 {
		t.Errorf("%s: no reply told the outcome of a first contact; a benign capture must show its contacts answered", c.name)
	}
}
