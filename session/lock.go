package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Lock takes the session's lock file so no other process writes the session
// at the same time. A lock left by a process that no longer runs is stale and
// is taken over. The returned func releases the lock.
func (s *Session) Lock() (unlock func(), err error) {
	return LockFile(s.Path(FileLock), s.Meta.ID)
}

// LockFile takes an exclusive pid lock at path (see Session.Lock). owner names
// the thing locked in errors.
func LockFile(path, owner string) (unlock func(), err error) {
	pid := os.Getpid()
	for attempt := 0; attempt < 3; attempt++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, werr := f.WriteString(strconv.Itoa(pid) + "\n")
			cerr := f.Close()
			if werr != nil || cerr != nil {
				os.Remove(path)
				return nil, fmt.Errorf("write lock %s: %w", path, errors.Join(werr, cerr))
			}
			return func() {
				if held, _ := readPID(path); held == pid {
					os.Remove(path)
				}
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("take lock %s: %w", path, err)
		}
		held, rerr := readPID(path)
		if rerr == nil && held > 0 && processAlive(held) {
			return nil, &LockedError{Session: owner, PID: held, Path: path}
		}
		// Stale (dead owner) or unreadable (torn write): take it over.
		os.Remove(path)
	}
	return nil, fmt.Errorf("take lock %s: it keeps reappearing; another trace may be starting: try again: %w", path, ErrLocked)
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
