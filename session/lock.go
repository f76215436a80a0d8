package session

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Lock takes the session's lock file so no other process writes the session
// at the same time. A lock left by a process that no longer runs is stale and
// is taken over. The returned func releases the lock; calling it more than
// once is harmless.
func (s *Session) Lock() (unlock func(), err error) {
	return LockFile(s.Path(FileLock), s.Meta.ID)
}

// LockFile takes an exclusive pid lock at path (see Session.Lock). owner names
// the thing locked in errors.
//
// The lock file appears atomically with the holder's pid already in it (it is
// written under a temporary name and hard-linked into place), so another
// process never sees a half-written lock. Taking over a stale lock is guarded
// by a second short-lived lock, so two processes that both find the same
// stale lock cannot both end up holding it. A lock held by a live process,
// including this one, fails with a *LockedError.
func LockFile(path, owner string) (unlock func(), err error) {
	pid := os.Getpid()
	for attempt := 0; attempt < 50; attempt++ {
		err := createWithPID(path, pid)
		if err == nil {
			var once sync.Once
			return func() {
				once.Do(func() {
					if held, _ := readPID(path); held == pid {
						os.Remove(path)
					}
				})
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("take lock %s: %w", path, err)
		}
		held, rerr := readPID(path)
		if rerr == nil && held > 0 && processAlive(held) {
			return nil, &LockedError{Session: owner, PID: held, Path: path}
		}
		if errors.Is(rerr, fs.ErrNotExist) {
			continue // released between our two looks: try again
		}
		// Stale (dead owner) or unreadable: take it over under the guard.
		if !takeOver(path, held, rerr != nil) {
			time.Sleep(time.Duration(attempt+1) * time.Millisecond)
		}
	}
	return nil, fmt.Errorf("take lock %s: it keeps reappearing; another trace may be starting: try again: %w", path, ErrLocked)
}

// createWithPID makes path appear with "pid\n" as its content, failing with
// fs.ErrExist when it already exists.
func createWithPID(path string, pid int) error {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(rnd[:]))
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(tmp)
	err := os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// No hard links on this file system: fall back to O_EXCL. A reader may
	// then briefly see an empty file; takeOver waits for such a file to age.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(strconv.Itoa(pid) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return werr
	}
	return nil
}

// unreadableGrace is how old an unreadable lock file must be before it is
// taken over: a fresh one may still be being written.
const unreadableGrace = 2 * time.Second

// takeOver removes the stale lock at path if it still holds stalePID (or is
// still unreadable), under a guard lock. It reports whether it got the guard.
func takeOver(path string, stalePID int, unreadable bool) bool {
	guard := path + ".takeover"
	if err := createWithPID(guard, os.Getpid()); err != nil {
		// Someone else is taking over. A guard left by a dead process is
		// removed; the holder of a live one finishes within microseconds.
		if held, err := readPID(guard); err == nil && !processAlive(held) {
			os.Remove(guard)
		} else if err != nil {
			if st, serr := os.Stat(guard); serr == nil && time.Since(st.ModTime()) > unreadableGrace {
				os.Remove(guard)
			}
		}
		return false
	}
	defer os.Remove(guard)
	held, err := readPID(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// already gone
	case err != nil && unreadable:
		if st, serr := os.Stat(path); serr == nil && time.Since(st.ModTime()) > unreadableGrace {
			os.Remove(path)
		}
	case err == nil && held == stalePID && !processAlive(held):
		os.Remove(path)
	}
	return true
}

func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// ProcessAlive reports whether a process with this pid is running.
func ProcessAlive(pid int) bool { return processAlive(pid) }
