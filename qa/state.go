package qa

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/session"
)

// stateSchema is the version of qa.json this package writes.
const stateSchema = 1

// State is what the bot remembers in the session's qa.json: the comments
// it answered (with its reply, so an edited question updates the answer),
// the ones that failed (retried later, never marked done) and the ones a
// bot is answering right now.
//
// Several bots may share one session (trace qa-poll and trace serve, or
// replicas of serve): every change is a read-modify-write of qa.json under
// the session's qa lock, so a comment is claimed by one bot only.
type State struct {
	Schema   int                 `json:"schema"`
	Answered map[string]Answered `json:"answered,omitempty"`
	Failed   map[string]Failure  `json:"failed,omitempty"`
	Claimed  map[string]Claim    `json:"claimed,omitempty"`
}

// Claim marks a comment one bot is answering. Other bots leave the comment
// alone until the claim is released or Until passes (the claimer died).
type Claim struct {
	Owner string    `json:"owner"` // the claiming bot: host, process and a random part
	Until time.Time `json:"until"`
}

// Answered records one handled comment.
type Answered struct {
	PR       string           `json:"pr"`
	Comment  int64            `json:"comment"`
	Kind     ghpr.CommentKind `json:"kind"`
	BodyHash string           `json:"body_hash"` // of the comment as answered
	Reply    ghpr.Comment     `json:"reply"`     // the bot's reply (ID and Kind); zero when nothing was posted
	Outcome  Outcome          `json:"outcome"`
	At       time.Time        `json:"at"`
}

// Failure records a comment whose answer failed, and when to try again.
type Failure struct {
	PR       string    `json:"pr"`
	Comment  int64     `json:"comment"`
	Attempts int       `json:"attempts"`
	Next     time.Time `json:"next"`
	Error    string    `json:"error"`
}

func stateKey(pr ghpr.PR, c ghpr.Comment) string {
	return fmt.Sprintf("%s:%s:%d", pr.String(), c.Kind, c.ID)
}

func bodyHash(body string) string {
	h := sha256.Sum256([]byte(body))
	return hex.EncodeToString(h[:12])
}

// LoadState reads the session's qa.json; a missing file is an empty state.
func LoadState(s *session.Session) (*State, error) {
	st := &State{Schema: stateSchema, Answered: map[string]Answered{}, Failed: map[string]Failure{}, Claimed: map[string]Claim{}}
	err := s.ReadJSON(session.FileQA, st)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if st.Schema > stateSchema {
		return nil, fmt.Errorf("%s has schema %d; this trace reads up to %d: upgrade trace: %w", s.Path(session.FileQA), st.Schema, stateSchema, session.ErrSchema)
	}
	if st.Answered == nil {
		st.Answered = map[string]Answered{}
	}
	if st.Failed == nil {
		st.Failed = map[string]Failure{}
	}
	if st.Claimed == nil {
		st.Claimed = map[string]Claim{}
	}
	st.Schema = stateSchema
	return st, nil
}

func (st *State) save(s *session.Session) error { return s.WriteJSON(session.FileQA, st) }

// lockName is the lock file, in the session directory, that guards qa.json.
// It is not the session's own lock (held by the recorder while capturing),
// so answering never waits on a recording or a long generate.
const lockName = "qa.lock"

// lock takes the qa lock of the session, waiting (with jitter) while another
// bot holds it, for at most b.cfg.LockWait.
func (b *Bot) lock(ctx context.Context) (unlock func(), err error) {
	path := b.cfg.Session.Path(lockName)
	wctx, cancel := context.WithTimeout(ctx, b.cfg.LockWait)
	defer cancel()
	for {
		unlock, err := session.LockFile(path, b.cfg.Session.ID()+" (qa state)")
		if err == nil {
			return unlock, nil
		}
		var le *session.LockedError
		if !errors.As(err, &le) {
			return nil, err
		}
		t := time.NewTimer(time.Duration(5+rand.IntN(20)) * time.Millisecond)
		select {
		case <-wctx.Done():
			t.Stop()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("%s has been held by process %d for over %s: if no other trace is answering on this session, remove the file: %w",
				path, le.PID, b.cfg.LockWait, err)
		case <-t.C:
		}
	}
}

// update re-reads qa.json under the qa lock, applies change, and saves the
// result when change reports a change. Records whose save failed earlier
// are merged in first. b.state becomes what is on disk.
func (b *Bot) update(ctx context.Context, change func(st *State) bool) error {
	unlock, err := b.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := LoadState(b.cfg.Session)
	if err != nil {
		return err
	}
	changed := false
	for k, v := range b.unsaved {
		if cur, ok := st.Answered[k]; !ok || cur.At.Before(v.At) {
			st.Answered[k] = v
			delete(st.Failed, k)
			delete(st.Claimed, k)
			changed = true
		}
	}
	if change(st) || changed {
		if err := st.save(b.cfg.Session); err != nil {
			return err
		}
		clear(b.unsaved)
	}
	b.state = st
	return nil
}
