package qa

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/session"
)

// stateSchema is the version of qa.json this package writes.
const stateSchema = 1

// State is what the bot remembers in the session's qa.json: the comments
// it answered (with its reply, so an edited question updates the answer)
// and the ones that failed (retried later, never marked done).
type State struct {
	Schema   int                 `json:"schema"`
	Answered map[string]Answered `json:"answered,omitempty"`
	Failed   map[string]Failure  `json:"failed,omitempty"`
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
	st := &State{Schema: stateSchema, Answered: map[string]Answered{}, Failed: map[string]Failure{}}
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
	st.Schema = stateSchema
	return st, nil
}

func (st *State) save(s *session.Session) error { return s.WriteJSON(session.FileQA, st) }
