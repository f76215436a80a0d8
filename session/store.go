package session

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/internal/fsutil"
)

// MetadataFile is the name of a session's metadata file.
const MetadataFile = "metadata.json"

// Well-known file names inside a session directory.
const (
	FileSaves      = "saves.jsonl"
	FileWindows    = "windows.jsonl"
	FileHeartbeat  = "heartbeat.json"
	FileChunks     = "chunks.jsonl"
	FileAgent      = "agent.jsonl"
	FileTranscript = "transcript.json"
	FileScenes     = "scenes.json"
	FileTimeline   = "timeline.json"
	FileQA         = "qa.json"
	FileLock       = "lock"
)

// Store is the on-disk session store: $TRACE_HOME/sessions/<id>/.
// The zero value is not usable; call Open.
type Store struct {
	root string
	now  func() time.Time
}

// DefaultHome returns $TRACE_HOME, or ~/.trace.
func DefaultHome() string {
	if h := os.Getenv("TRACE_HOME"); h != "" {
		return h
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".trace")
	}
	return ".trace"
}

// Open opens (creating if needed, mode 0700) the store rooted at home.
// An empty home means DefaultHome. It fails with one clear error when the
// directory cannot be created or written.
func Open(home string) (*Store, error) {
	if home == "" {
		home = DefaultHome()
	}
	dir := filepath.Join(home, "sessions")
	if err := fsutil.MkdirPrivate(dir); err != nil {
		return nil, fmt.Errorf("trace home %s is not usable (%v): set TRACE_HOME or --home to a writable directory: %w", home, errors.Unwrap(err), ErrStore)
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("trace home %s is not writable: set TRACE_HOME or --home to a writable directory: %w", home, ErrStore)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &Store{root: home, now: time.Now}, nil
}

// Root returns the store's home directory.
func (st *Store) Root() string { return st.root }

func (st *Store) dir(id string) string { return filepath.Join(st.root, "sessions", id) }

// CreateOptions are the optional fields of a new session.
type CreateOptions struct {
	ID         string // default: a fresh random id
	ProjectDir string
	Backend    string
	Status     Status // default StatusRecording
}

// NewID returns a fresh session id: 16 lower-case hex characters.
func NewID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// ValidID reports whether id has the shape of a session id (8 to 64 of a-z, 0-9, '-').
func ValidID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Create makes a new session directory (0700) with its metadata.json.
func (st *Store) Create(opts CreateOptions) (*Session, error) {
	id := opts.ID
	if id == "" {
		id = NewID()
	}
	if !ValidID(id) {
		return nil, fmt.Errorf("session id %q is not valid: use 8 to 64 characters of a-z, 0-9 and '-'", id)
	}
	status := opts.Status
	if status == "" {
		status = StatusRecording
	}
	dir := st.dir(id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("session %s already exists in %s: choose another id", id, dir)
		}
		return nil, fmt.Errorf("create session directory %s: %w", dir, err)
	}
	s := &Session{store: st, Dir: dir, Meta: Metadata{
		Schema:     SchemaVersion,
		ID:         id,
		Status:     status,
		CreatedAt:  st.now().UTC(),
		ProjectDir: opts.ProjectDir,
		Backend:    opts.Backend,
	}}
	if err := s.Save(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// Get returns the session with this id, or the only one whose id starts with
// it. It fails with ErrNotFound, an *AmbiguousError, or a clear error for a
// corrupt or too-new metadata.json.
func (st *Store) Get(idOrPrefix string) (*Session, error) {
	id, err := st.Resolve(idOrPrefix)
	if err != nil {
		return nil, err
	}
	return st.load(id)
}

// Resolve maps an id or a unique id prefix to the id of an existing session
// directory, without reading its metadata (so it works for a corrupt
// session too). It fails with ErrNotFound or an *AmbiguousError.
func (st *Store) Resolve(idOrPrefix string) (string, error) {
	if idOrPrefix == "" {
		return "", fmt.Errorf("no session id given: pass an id (see `trace sessions`): %w", ErrNotFound)
	}
	if strings.ContainsAny(idOrPrefix, `/\`) || idOrPrefix == "." || idOrPrefix == ".." {
		return "", fmt.Errorf("session %q: not an id: pass an id from `trace sessions`: %w", idOrPrefix, ErrNotFound)
	}
	if ValidID(idOrPrefix) {
		if fi, err := os.Stat(st.dir(idOrPrefix)); err == nil && fi.IsDir() {
			return idOrPrefix, nil
		}
	}
	ids, err := st.ids()
	if err != nil {
		return "", err
	}
	var matches []string
	for _, id := range ids {
		if strings.HasPrefix(id, idOrPrefix) {
			matches = append(matches, id)
		}
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("no session %q in %s: list them with `trace sessions`: %w", idOrPrefix, filepath.Join(st.root, "sessions"), ErrNotFound)
	case 1:
		return matches[0], nil
	default:
		return "", &AmbiguousError{Prefix: idOrPrefix, Matches: matches}
	}
}

func (st *Store) ids() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(st.root, "sessions"))
	if err != nil {
		return nil, fmt.Errorf("read session store %s: %w", st.root, err)
	}
	var ids []string
	for _, e := range ents {
		if e.IsDir() && ValidID(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func (st *Store) load(id string) (*Session, error) {
	dir := st.dir(id)
	path := filepath.Join(dir, MetadataFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("session %s has no %s (%s): it was not created by trace or was damaged; delete the directory: %w", id, MetadataFile, path, ErrCorrupt)
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var m Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s is corrupt (%v): fix the JSON by hand or delete the session with `trace sessions rm %s`: %w", path, err, id, ErrCorrupt)
	}
	if err := m.check(path); err != nil {
		return nil, err
	}
	if m.ID != id {
		return nil, fmt.Errorf("%s says id %q but lives in directory %q: rename one to match: %w", path, m.ID, id, ErrCorrupt)
	}
	return &Session{store: st, Dir: dir, Meta: m}, nil
}

// ListResult is what List returns: the readable sessions, and one error per
// session that could not be read (the list goes on past it).
type ListResult struct {
	Sessions []*Session
	Broken   []error
}

// List returns every session, oldest first. A corrupt session is reported in
// Broken, never hidden and never fatal to the listing.
func (st *Store) List() (ListResult, error) {
	ids, err := st.ids()
	if err != nil {
		return ListResult{}, err
	}
	var r ListResult
	for _, id := range ids {
		s, err := st.load(id)
		if err != nil {
			r.Broken = append(r.Broken, err)
			continue
		}
		r.Sessions = append(r.Sessions, s)
	}
	sort.SliceStable(r.Sessions, func(i, j int) bool {
		return r.Sessions[i].Meta.CreatedAt.Before(r.Sessions[j].Meta.CreatedAt)
	})
	return r, nil
}

// Latest returns the most recently created readable session.
func (st *Store) Latest() (*Session, error) {
	r, err := st.List()
	if err != nil {
		return nil, err
	}
	if len(r.Sessions) == 0 {
		return nil, fmt.Errorf("no sessions in %s yet: record one with `trace start`, or run `trace demo`: %w", st.root, ErrNotFound)
	}
	return r.Sessions[len(r.Sessions)-1], nil
}

// Delete removes a session directory, given its id or a unique id prefix.
// A session whose metadata is corrupt or too new can be deleted too. It
// refuses while another live process holds the session's lock.
func (st *Store) Delete(idOrPrefix string) error {
	id, err := st.Resolve(idOrPrefix)
	if err != nil {
		return err
	}
	dir := st.dir(id)
	unlock, err := LockFile(filepath.Join(dir, FileLock), id)
	if err != nil {
		return err
	}
	defer unlock()
	// Move the directory out of the way first, so a crash halfway through
	// the removal never leaves a half-deleted session that looks real.
	trash := filepath.Join(st.root, "sessions", ".deleted-"+id+"-"+NewID())
	if err := os.Rename(dir, trash); err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("delete session %s: remove %s by hand: %w", id, trash, err)
	}
	return nil
}

// Session is one session directory and its metadata. Methods that write are
// safe for one process at a time; take Lock for a long-running writer.
type Session struct {
	store *Store
	mu    sync.Mutex
	// Dir is the session directory.
	Dir string
	// Meta is the metadata as last loaded or saved.
	Meta Metadata
}

// ID returns the session id.
func (s *Session) ID() string { return s.Meta.ID }

// Path returns the path of a file inside the session directory.
func (s *Session) Path(name ...string) string {
	return filepath.Join(append([]string{s.Dir}, name...)...)
}

// Save writes metadata.json atomically.
func (s *Session) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked()
}

// saveLocked writes metadata.json; s.mu is held.
func (s *Session) saveLocked() error {
	b, err := json.MarshalIndent(s.Meta, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFile(s.Path(MetadataFile), append(b, '\n'), 0o600)
}

// Reload re-reads metadata.json from disk.
func (s *Session) Reload() error {
	if s.store == nil {
		return fmt.Errorf("session %s has no store: open it with Store.Get", s.Meta.ID)
	}
	n, err := s.store.load(s.Meta.ID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.Meta = n.Meta
	s.mu.Unlock()
	return nil
}

// Transition moves the session to a new status and saves. A move the status
// machine does not allow fails with ErrTransition and changes nothing.
func (s *Session) Transition(to Status, cause error) error {
	from := s.Meta.Status
	if !CanTransition(from, to) {
		return fmt.Errorf("session %s cannot go from %s to %s: %w", s.Meta.ID, from, to, ErrTransition)
	}
	prevStatus, prevErr := s.Meta.Status, s.Meta.Error
	s.Meta.Status = to
	if cause != nil {
		s.Meta.Error = cause.Error()
	} else if !to.Failed() {
		s.Meta.Error = ""
	}
	if err := s.Save(); err != nil {
		s.Meta.Status, s.Meta.Error = prevStatus, prevErr
		return err
	}
	return nil
}

// Step returns the record of a step, if it ran.
//
// Step and RecordStep are safe to call from several goroutines at once
// (a pipeline runs independent steps side by side).
func (s *Session) Step(name string) (StepRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.Meta.Steps[name]
	return r, ok
}

// RecordStep stores a step's record and saves the metadata.
func (s *Session) RecordStep(name string, r StepRecord) error {
	if r.At.IsZero() {
		r.At = time.Now().UTC()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Meta.Steps == nil {
		s.Meta.Steps = map[string]StepRecord{}
	}
	s.Meta.Steps[name] = r
	return s.saveLocked()
}

// WriteJSON writes v as indented JSON to a file in the session directory, atomically.
func (s *Session) WriteJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	p := s.Path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return fsutil.WriteFile(p, append(b, '\n'), 0o600)
}

// ReadJSON reads a JSON file of the session directory into v. A missing file
// wraps fs.ErrNotExist; a corrupt one wraps ErrCorrupt and names the file.
func (s *Session) ReadJSON(name string, v any) error {
	p := s.Path(name)
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("session %s: %w", s.Meta.ID, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s is corrupt (%v): delete it and re-run the step that writes it: %w", p, err, ErrCorrupt)
	}
	return nil
}

// Exists reports whether a file exists in the session directory.
func (s *Session) Exists(name string) bool {
	_, err := os.Stat(s.Path(name))
	return err == nil
}

// Append adds one JSON line to a .jsonl log of the session directory.
func (s *Session) Append(name string, v any) error {
	return AppendJSONL(s.Path(name), v)
}
