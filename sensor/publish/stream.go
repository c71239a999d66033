package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// streamConfig is the stream the publisher creates when it is missing.
func streamConfig(cfg Config) jetstream.StreamConfig {
	subjects, desc := Subjects(cfg.SubjectPrefix), "portsnare alerts"
	if len(cfg.Kinds) > 0 {
		subjects, desc = nil, "portsnare "+strings.Join(cfg.Kinds, ", ")
		for _, k := range cfg.Kinds {
			subjects = append(subjects, Subject(cfg.SubjectPrefix, k))
		}
	}
	return jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: desc,
		Subjects:    subjects,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		Storage:     jetstream.FileStorage,
		MaxAge:      cfg.MaxAge,
		MaxBytes:    int64(cfg.MaxBytes),
		Replicas:    cfg.Replicas,
		Duplicates:  cfg.DuplicateWindow,
	}
}

// errPermanent marks errors that retrying cannot cure.
type errPermanent struct{ error }

func (e errPermanent) Unwrap() error { return e.error }

// ensureStream creates the stream, or checks the one that exists: it must
// take the publisher's subjects. Its limits are the operator's: when they
// differ from the configuration the publisher says so and leaves them, so
// that several sensors, or a stream managed by other tools, do not fight.
func (p *Publisher) ensureStream(ctx context.Context, js jetstream.JetStream) error {
	want := streamConfig(p.cfg)
	s, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if _, err = js.CreateStream(ctx, want); err == nil {
			p.log.Info("created JetStream stream", "stream", want.Name, "subjects", want.Subjects,
				"max_age", want.MaxAge, "max_bytes", want.MaxBytes, "replicas", want.Replicas)
			return nil
		}
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) { // created meanwhile by another sensor
			s, err = js.Stream(ctx, want.Name)
		}
	}
	if err != nil {
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
			return errPermanent{fmt.Errorf("NATS at %s has no JetStream for this account: enable it (nats-server -js) or point nats.urls elsewhere", Redact(p.url))}
		}
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && apiErr.Code != 503 && apiErr.Code != 408 {
			// A refusal (subjects overlapping another stream, a replica
			// count the cluster cannot give, a permission): the
			// configuration must change.
			return errPermanent{fmt.Errorf("creating stream %s: %w", want.Name, err)}
		}
		return fmt.Errorf("stream %s: %w", want.Name, err)
	}
	have := s.CachedInfo().Config
	var missing []string
	for _, subj := range want.Subjects {
		if !slices.ContainsFunc(have.Subjects, func(f string) bool { return subjectMatches(f, subj) }) {
			missing = append(missing, subj)
		}
	}
	if len(missing) > 0 && !slices.Equal(missing, []string{Subject(p.cfg.SubjectPrefix, KindAudit)}) {
		return errPermanent{fmt.Errorf("stream %s exists with subjects %v, which do not take %s: add them to the stream, or change nats.stream or nats.subject_prefix",
			want.Name, have.Subjects, missing[0])}
	}
	if len(missing) > 0 {
		// A stream made before the coverage reports takes the alerts but
		// not the reports: their subject is added, the rest of its
		// configuration kept.
		upd := have
		upd.Subjects = append(slices.Clone(have.Subjects), missing...)
		if _, err := js.UpdateStream(ctx, upd); err != nil {
			return errPermanent{fmt.Errorf("stream %s exists with subjects %v, which do not take %s, and adding it failed (%v): add it to the stream, or change nats.stream or nats.subject_prefix",
				want.Name, have.Subjects, missing[0], err)}
		}
		p.log.Info("added subjects to the JetStream stream", "stream", want.Name, "subjects", missing)
	}
	if have.MaxAge != want.MaxAge || have.MaxBytes != want.MaxBytes || have.Duplicates != want.Duplicates {
		p.log.Warn("stream exists with other limits than configured; leaving them (change them with the nats CLI)",
			"stream", want.Name, "max_age", have.MaxAge, "max_bytes", have.MaxBytes, "duplicate_window", have.Duplicates,
			"configured_max_age", want.MaxAge, "configured_max_bytes", want.MaxBytes, "configured_duplicate_window", want.Duplicates)
	}
	if have.Duplicates == 0 {
		p.log.Warn("stream has no duplicate window: an alert re-sent after a lost acknowledgement may be stored twice", "stream", want.Name)
	}
	return nil
}

// subjectMatches reports whether filter (which may hold the wildcards * and
// >) matches every subject that subj (ending in >) matches.
func subjectMatches(filter, subj string) bool {
	f, s := strings.Split(filter, "."), strings.Split(subj, ".")
	for i, tok := range f {
		switch {
		case tok == ">":
			return true
		case i >= len(s):
			return false
		case tok == "*":
			if s[i] == ">" {
				return false // * takes one token, > several
			}
		case tok != s[i]:
			return false
		}
	}
	return len(f) == len(s)
}
