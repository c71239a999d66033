package detect

import "testing"

// TestTransitions pins what each event does to a contact and to its
// source's counters, from each state: the random walk, the outcome tallies
// and the failure shape move together, and undo each other exactly.
func TestTransitions(t *testing.T) {
	type tally struct {
		state                                      contactState
		score                                      int32
		failed, succeeded, unanswered, portFailure uint32
	}
	cases := []struct {
		name    string
		from    contactState
		answers bool // the source gets answers (silence is then weighed)
		ev      contactEvent
		changed bool
		want    tally
	}{
		{"silence, one-way capture", stPending, false, evSilence, true, tally{state: stUnanswered, unanswered: 1}},
		{"silence, answers seen", stPending, true, evSilence, true, tally{state: stUnansweredScored, score: 1, unanswered: 1, portFailure: 1}},
		{"silence after an outcome", stFailed, true, evSilence, false, tally{state: stFailed}},
		{"refused", stPending, false, evRefused, true, tally{state: stFailed, score: 1, failed: 1, portFailure: 1}},
		{"answered", stPending, false, evAnswered, true, tally{state: stSucceeded, score: -1, succeeded: 1}},
		{"second outcome ignored", stSucceeded, false, evRefused, false, tally{state: stSucceeded}},
		{"late answer undoes a scored silence", stUnansweredScored, true, evAnswered, true, tally{state: stSucceeded, score: -2, succeeded: 1, unanswered: ^uint32(0), portFailure: 0}},
		{"late refusal keeps the silence's failure", stUnansweredScored, true, evRefused, true, tally{state: stFailed, failed: 1, unanswered: ^uint32(0)}},
		{"decoy on a fresh contact", stPending, false, evDecoy, true, tally{state: stDecoy, score: 2, failed: 1, portFailure: 1}},
		{"decoy after a handshake", stSucceeded, false, evDecoy, true, tally{state: stDecoy, score: 3, failed: 1, succeeded: ^uint32(0), portFailure: 1}},
		{"decoy after a refusal", stFailed, false, evDecoy, true, tally{state: stDecoy, score: 1}},
		{"decoy twice", stDecoy, false, evDecoy, false, tally{state: stDecoy}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBed(t, nil)
			src, dst := ip("198.51.100.7"), ip("192.0.2.10")
			b.syn(src, dst, 40000, 22, 1)
			b.syn(src, dst, 40000, 23, 1) // a second contact: the source is tracked
			s := b.e.lookup(src)
			sk, dk := keyOf(src), keyOf(dst)
			now := b.e.secs(ptimeOf(b.now))
			c := b.e.tab.find(contactKey(sk, s.gen, dk, ProtoTCP, 22), now)
			if c == nil {
				t.Fatal("the probe made no contact record")
			}
			c.n = uint32(tc.from)
			if tc.answers {
				s.answered = 1
			}
			before := tally{score: s.score, failed: s.failed, succeeded: s.succeeded, unanswered: s.unanswered, portFailure: s.portFailures}
			ref := contactRef{dst: dk, port: 22, proto: ProtoTCP, fam: famPort, tech: TechSYN}
			if got := b.e.transition(s, c, ref, tc.ev, now); got != tc.changed {
				t.Fatalf("transition reported %v, want %v", got, tc.changed)
			}
			got := tally{state: contactState(c.n), score: s.score - before.score, failed: s.failed - before.failed,
				succeeded: s.succeeded - before.succeeded, unanswered: s.unanswered - before.unanswered,
				portFailure: s.portFailures - before.portFailure}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v (deltas; ^0 is -1)", got, tc.want)
			}
		})
	}
}

// TestChallengeACKTakesBackTheRightFailure: a server's challenge ACK
// answers a SYN whose silence was weighed as a failure; the failure taken
// back is the one on that server's port, so the host's failure count
// returns to zero.
func TestChallengeACKTakesBackTheRightFailure(t *testing.T) {
	b := newBed(t, nil)
	cli, srv := ip("10.0.0.5"), ip("10.0.0.80")
	b.connect(cli, srv, 51000, 443, 7)
	b.connect(cli, ip("10.0.0.81"), 51001, 443, 8)
	b.e.Reply(&Reply{Time: b.now, Prober: cli, Target: ip("10.0.0.81"), Proto: ProtoTCP, ProberPort: 51001,
		TargetPort: 443, Outcome: Succeeded, AnswersProbe: true}) // answers seen: silence weighs
	b.advance(10e9)
	b.e.Tick(b.now)
	s := b.e.lookup(cli)
	if s.portFailures != 1 || s.maxFailPortsOnHost != 1 {
		t.Fatalf("the unanswered SYN was not weighed: %d failures", s.portFailures)
	}
	b.e.Probe(&Probe{Time: b.now, Src: srv, Dst: cli, Proto: ProtoTCP, Technique: TechACK,
		SrcPort: 443, DstPort: 51000, FP: FPNoTCPOptions})
	h := b.e.tab.find(hash5(kindHostPorts, s.key, s.gen, keyOf(srv), 0), b.e.secs(ptimeOf(b.now)))
	if s.portFailures != 0 || h == nil || h.sport != 0 {
		t.Fatalf("after the challenge ACK: %d failures, host record %+v", s.portFailures, h)
	}
}
