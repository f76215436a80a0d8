package session

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers branch on with errors.Is. Every error the store
// returns wraps one of these and names the file and the fix.
var (
	ErrNotFound   = errors.New("session not found")
	ErrAmbiguous  = errors.New("session id prefix is ambiguous")
	ErrCorrupt    = errors.New("session file is corrupt")
	ErrSchema     = errors.New("unsupported session schema")
	ErrLocked     = errors.New("session is locked by another process")
	ErrTransition = errors.New("status transition not allowed")
	ErrNotIndexed = errors.New("session is not indexed")
	ErrSpan       = errors.New("span outside the recording")
	ErrStore      = errors.New("session store unusable")
)

// AmbiguousError lists the sessions an id prefix matched.
type AmbiguousError struct {
	Prefix  string
	Matches []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("session prefix %q matches %d sessions (%s): give more characters of the id", e.Prefix, len(e.Matches), strings.Join(e.Matches, ", "))
}

// Unwrap makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// LockedError says which process holds a session's lock.
type LockedError struct {
	Session string
	PID     int
	Path    string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("session %s is in use by process %d (lock %s): wait for it to finish, or stop it with `trace stop`", e.Session, e.PID, e.Path)
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }
