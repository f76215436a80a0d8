package session_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func newStore(t *testing.T) *session.Store {
	t.Helper()
	st, err := session.Open(t.TempDir())
	require.NoError(t, err)
	return st
}

func create(t *testing.T, st *session.Store, id string) *session.Session {
	t.Helper()
	s, err := st.Create(session.CreateOptions{ID: id, ProjectDir: "/src/app"})
	require.NoError(t, err)
	return s
}

func TestCreateAndGet(t *testing.T) {
	st := newStore(t)
	s, err := st.Create(session.CreateOptions{ProjectDir: "/src/app", Backend: "local"})
	require.NoError(t, err)
	assert.True(t, session.ValidID(s.ID()), "fresh id %q", s.ID())
	assert.Len(t, s.ID(), 16)
	assert.Equal(t, session.StatusRecording, s.Meta.Status)
	assert.Equal(t, session.SchemaVersion, s.Meta.Schema)
	assert.False(t, s.Meta.CreatedAt.IsZero())

	got, err := st.Get(s.ID())
	require.NoError(t, err)
	assert.Equal(t, s.Dir, got.Dir)
	assert.Equal(t, "/src/app", got.Meta.ProjectDir)
	assert.Equal(t, "local", got.Meta.Backend)
	assert.True(t, got.Meta.CreatedAt.Equal(s.Meta.CreatedAt))

	_, err = st.Create(session.CreateOptions{ID: s.ID()})
	require.Error(t, err, "a second session with the same id must be refused")
	assert.Contains(t, err.Error(), "already exists")
}

func TestCreateRejectsBadIDs(t *testing.T) {
	st := newStore(t)
	for _, id := range []string{"short", "UPPERCASE1", "has space1", "../../etc1", strings.Repeat("a", 65)} {
		_, err := st.Create(session.CreateOptions{ID: id})
		assert.Error(t, err, id)
	}
	ents, err := os.ReadDir(filepath.Join(st.Root(), "sessions"))
	require.NoError(t, err)
	assert.Empty(t, ents, "a refused id must not leave a directory")
}

func TestPrivateModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions")
	}
	home := filepath.Join(t.TempDir(), "home")
	require.NoError(t, os.MkdirAll(filepath.Join(home, "sessions"), 0o755))
	st, err := session.Open(home)
	require.NoError(t, err)
	s := create(t, st, "aaaa0000")
	require.NoError(t, s.WriteJSON("sub/x.json", map[string]int{"a": 1}))

	for path, want := range map[string]fs.FileMode{
		filepath.Join(home, "sessions"): 0o700, // an existing looser dir is tightened
		s.Dir:                           0o700,
		s.Path("sub"):                   0o700,
		s.Path(session.MetadataFile):    0o600,
		s.Path("sub/x.json"):            0o600,
	} {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, want, fi.Mode().Perm(), path)
	}
	require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{Path: "a.go"}))
	fi, err := os.Stat(s.Path(session.FileSaves))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
}

func TestGetByPrefix(t *testing.T) {
	st := newStore(t)
	create(t, st, "abc12345")
	create(t, st, "abc19999")
	create(t, st, "def00000")
	create(t, st, "def000001") // an id that is a prefix of another id

	tests := []struct {
		arg     string
		want    string
		wantErr error
	}{
		{arg: "abc12345", want: "abc12345"},
		{arg: "abc1", wantErr: session.ErrAmbiguous},
		{arg: "abc123", want: "abc12345"},
		{arg: "abc19", want: "abc19999"},
		{arg: "d", wantErr: session.ErrAmbiguous},
		{arg: "def00000", want: "def00000"}, // exact id wins over the longer one
		{arg: "def000001", want: "def000001"},
		{arg: "zzz", wantErr: session.ErrNotFound},
		{arg: "", wantErr: session.ErrNotFound},
		{arg: "../abc12345", wantErr: session.ErrNotFound},
		{arg: "..", wantErr: session.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			s, err := st.Get(tt.arg)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "\n")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.ID())
		})
	}

	_, err := st.Get("abc1")
	var amb *session.AmbiguousError
	require.ErrorAs(t, err, &amb)
	assert.Equal(t, []string{"abc12345", "abc19999"}, amb.Matches)
	assert.Contains(t, err.Error(), "give more characters")
}

func TestListAndLatest(t *testing.T) {
	st := newStore(t)
	_, err := st.Latest()
	require.ErrorIs(t, err, session.ErrNotFound)
	assert.Contains(t, err.Error(), "trace start")

	r, err := st.List()
	require.NoError(t, err)
	assert.Empty(t, r.Sessions)

	// Ids sort the other way round from creation times.
	base := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, id := range []string{"ccc00000", "bbb00000", "aaa00000"} {
		s := create(t, st, id)
		s.Meta.CreatedAt = base.Add(time.Duration(i) * time.Hour)
		require.NoError(t, s.Save())
	}
	// A broken session, a stray file, a non-id directory and a leftover
	// temp file are not sessions.
	require.NoError(t, os.Mkdir(filepath.Join(st.Root(), "sessions", "broken00"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(st.Root(), "sessions", "broken00", session.MetadataFile), []byte(`{"schema":1,"id":"broken00"`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(st.Root(), "sessions", "README"), []byte("x"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(st.Root(), "sessions", "Not An Id"), 0o700))

	r, err = st.List()
	require.NoError(t, err)
	var ids []string
	for _, s := range r.Sessions {
		ids = append(ids, s.ID())
	}
	assert.Equal(t, []string{"ccc00000", "bbb00000", "aaa00000"}, ids, "oldest first")
	require.Len(t, r.Broken, 1)
	assert.ErrorIs(t, r.Broken[0], session.ErrCorrupt)
	assert.Contains(t, r.Broken[0].Error(), "broken00")

	latest, err := st.Latest()
	require.NoError(t, err)
	assert.Equal(t, "aaa00000", latest.ID())
}

func TestDelete(t *testing.T) {
	st := newStore(t)
	create(t, st, "aaaa1111")
	keep := create(t, st, "bbbb1111")

	require.NoError(t, st.Delete("aaaa"))
	_, err := st.Get("aaaa1111")
	require.ErrorIs(t, err, session.ErrNotFound)
	_, err = os.Stat(filepath.Join(st.Root(), "sessions", "aaaa1111"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	ents, err := os.ReadDir(filepath.Join(st.Root(), "sessions"))
	require.NoError(t, err)
	assert.Len(t, ents, 1, "nothing but the kept session is left behind")

	require.ErrorIs(t, st.Delete("aaaa1111"), session.ErrNotFound)
	_, err = st.Get(keep.ID())
	require.NoError(t, err)

	// A corrupt session can still be deleted, by prefix too.
	c := create(t, st, "cccc1111")
	require.NoError(t, os.WriteFile(c.Path(session.MetadataFile), []byte("{"), 0o600))
	require.NoError(t, st.Delete("cccc"))
	_, err = os.Stat(c.Dir)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	// A locked session is not deleted.
	unlock, err := keep.Lock()
	require.NoError(t, err)
	err = st.Delete(keep.ID())
	require.ErrorIs(t, err, session.ErrLocked)
	unlock()
	_, err = st.Get(keep.ID())
	require.NoError(t, err, "the refused delete left the session in place")
	require.NoError(t, st.Delete(keep.ID()))
}

func TestAtomicMetadataWrites(t *testing.T) {
	st := newStore(t)
	s := create(t, st, "aaaa2222")
	good, err := os.ReadFile(s.Path(session.MetadataFile))
	require.NoError(t, err)

	// A crash mid-write leaves a half-written temp file beside the real one.
	leftover := s.Path(".metadata.json.tmp-123456")
	require.NoError(t, os.WriteFile(leftover, good[:len(good)/2], 0o600))

	got, err := st.Get(s.ID())
	require.NoError(t, err, "the leftover temp file is ignored")
	assert.Equal(t, s.Meta.ID, got.Meta.ID)
	r, err := st.List()
	require.NoError(t, err)
	assert.Len(t, r.Sessions, 1)
	assert.Empty(t, r.Broken)

	// Saving again replaces the real file, never by the leftover.
	got.Meta.ProjectDir = "/other"
	require.NoError(t, got.Save())
	again, err := st.Get(s.ID())
	require.NoError(t, err)
	assert.Equal(t, "/other", again.Meta.ProjectDir)

	// Saving into a directory that is gone fails and writes nothing.
	gone := &session.Session{Dir: filepath.Join(t.TempDir(), "missing"), Meta: s.Meta}
	require.Error(t, gone.Save())
}

func TestMetadataProblems(t *testing.T) {
	valid := func(mut func(m map[string]any)) string {
		m := map[string]any{"schema": 1, "id": "aaaa3333", "status": "captured", "created_at": "2026-05-01T10:00:00Z"}
		mut(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name    string
		content string
		wantErr error
		fix     string
	}{
		{"newer schema", valid(func(m map[string]any) { m["schema"] = 2 }), session.ErrSchema, "upgrade trace"},
		{"missing schema", valid(func(m map[string]any) { delete(m, "schema") }), session.ErrSchema, "no schema version"},
		{"negative schema", valid(func(m map[string]any) { m["schema"] = -1 }), session.ErrSchema, "no schema version"},
		{"unknown status", valid(func(m map[string]any) { m["status"] = "exploded" }), session.ErrCorrupt, "unknown status"},
		{"missing status", valid(func(m map[string]any) { delete(m, "status") }), session.ErrCorrupt, "unknown status"},
		{"missing id", valid(func(m map[string]any) { delete(m, "id") }), session.ErrCorrupt, "no session id"},
		{"id mismatch", valid(func(m map[string]any) { m["id"] = "bbbb3333" }), session.ErrCorrupt, "rename one to match"},
		{"truncated", valid(func(map[string]any) {})[:30], session.ErrCorrupt, "trace sessions rm aaaa3333"},
		{"not json", "\x00\x01garbage", session.ErrCorrupt, "trace sessions rm aaaa3333"},
		{"empty", "", session.ErrCorrupt, "trace sessions rm aaaa3333"},
		{"wrong type", `{"schema":"one"}`, session.ErrCorrupt, "fix the JSON"},
		{"negative length", valid(func(m map[string]any) { m["length"] = -3.5 }), session.ErrCorrupt, "negative or out-of-range length"},
		{"huge length", valid(func(m map[string]any) { m["length"] = 1e300 }), session.ErrCorrupt, "negative or out-of-range length"},
		{"array", `[]`, session.ErrCorrupt, "fix the JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			s := create(t, st, "aaaa3333")
			path := s.Path(session.MetadataFile)
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))

			_, err := st.Get("aaaa3333")
			require.ErrorIs(t, err, tt.wantErr)
			msg := err.Error()
			assert.NotContains(t, msg, "\n", "one line")
			assert.Contains(t, msg, path, "names the file")
			assert.Contains(t, msg, tt.fix, "says what to do")

			_, err = st.Get("aaaa")
			require.ErrorIs(t, err, tt.wantErr, "by prefix too")
			r, err := st.List()
			require.NoError(t, err)
			assert.Len(t, r.Broken, 1)

			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tt.content, string(b), "the file is left unchanged")
		})
	}

	t.Run("missing metadata", func(t *testing.T) {
		st := newStore(t)
		dir := filepath.Join(st.Root(), "sessions", "aaaa4444")
		require.NoError(t, os.Mkdir(dir, 0o700))
		_, err := st.Get("aaaa4444")
		require.ErrorIs(t, err, session.ErrCorrupt)
		assert.Contains(t, err.Error(), filepath.Join(dir, session.MetadataFile))
	})
}

func TestReloadAndStaleCopies(t *testing.T) {
	st := newStore(t)
	a := create(t, st, "aaaa5555")
	b, err := st.Get(a.ID())
	require.NoError(t, err)
	require.NoError(t, a.Transition(session.StatusCaptured, nil))
	assert.Equal(t, session.StatusRecording, b.Meta.Status)
	require.NoError(t, b.Reload())
	assert.Equal(t, session.StatusCaptured, b.Meta.Status)

	orphan := &session.Session{Meta: session.Metadata{ID: "x"}}
	assert.Error(t, orphan.Reload())
}

func TestUnwritableHome(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))

	homes := map[string]string{
		"home is a file":        file,
		"home below a file":     filepath.Join(file, "home"),
		"sessions is a file":    sessionsIsFile(t),
		"home is not writeable": readOnlyHome(t),
	}
	for name, home := range homes {
		t.Run(name, func(t *testing.T) {
			if home == "" {
				t.Skip("running as root or on a platform where permissions do not bind")
			}
			_, err := session.Open(home)
			require.ErrorIs(t, err, session.ErrStore)
			assert.Contains(t, err.Error(), home)
			assert.Contains(t, err.Error(), "TRACE_HOME")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, "x", string(b), "nothing was damaged")
}

func sessionsIsFile(t *testing.T) string {
	home := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(home, "sessions"), []byte("x"), 0o600))
	return home
}

func readOnlyHome(t *testing.T) string {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		return ""
	}
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "sessions"), 0o700))
	require.NoError(t, os.Chmod(filepath.Join(home, "sessions"), 0o500))
	t.Cleanup(func() { os.Chmod(filepath.Join(home, "sessions"), 0o700) })
	return home
}

func TestDefaultHome(t *testing.T) {
	t.Setenv("TRACE_HOME", "/tmp/somewhere")
	assert.Equal(t, "/tmp/somewhere", session.DefaultHome())
	t.Setenv("TRACE_HOME", "")
	assert.True(t, strings.HasSuffix(session.DefaultHome(), ".trace"))
}

func TestSessionFiles(t *testing.T) {
	st := newStore(t)
	s := create(t, st, "aaaa6666")

	segs := []session.Segment{{Span: session.Span{Start: time.Second, End: 2500 * time.Millisecond}, Text: "hello"}}
	require.NoError(t, s.WriteJSON(session.FileTranscript, segs))
	assert.True(t, s.Exists(session.FileTranscript))
	var back []session.Segment
	require.NoError(t, s.ReadJSON(session.FileTranscript, &back))
	assert.Equal(t, segs, back)

	err := s.ReadJSON(session.FileScenes, &back)
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.False(t, s.Exists(session.FileScenes))

	require.NoError(t, os.WriteFile(s.Path(session.FileScenes), []byte(`[{"span":`), 0o600))
	err = s.ReadJSON(session.FileScenes, &back)
	require.ErrorIs(t, err, session.ErrCorrupt)
	assert.Contains(t, err.Error(), s.Path(session.FileScenes))
	assert.Contains(t, err.Error(), "re-run")

	require.NoError(t, s.RecordStep("index", session.StepRecord{Inputs: map[string]string{"video": "sha1"}, Outputs: map[string]string{"transcript": session.FileTranscript}}))
	again, err := st.Get(s.ID())
	require.NoError(t, err)
	rec, ok := again.Step("index")
	require.True(t, ok)
	assert.False(t, rec.At.IsZero())
	assert.True(t, rec.Same(map[string]string{"video": "sha1"}))
	assert.False(t, rec.Same(map[string]string{"video": "sha2"}))
	assert.False(t, rec.Same(map[string]string{"video": "sha1", "audio": "x"}))
	assert.False(t, rec.Same(nil))
	_, ok = again.Step("render")
	assert.False(t, ok)
}

func TestMetadataWireForm(t *testing.T) {
	m := session.Metadata{
		Schema: 1, ID: "aaaa7777", Status: session.StatusIndexed,
		CreatedAt: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
		Epoch:     time.Date(2026, 5, 1, 10, 0, 2, 500_000_000, time.UTC),
		Length:    95*time.Second + 250*time.Millisecond,
		Mic:       true,
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw))
	assert.Equal(t, 95.25, raw["length"], "length is float seconds on the wire")
	assert.NotContains(t, raw, "stopped_at", "zero times are left out")
	assert.NotContains(t, raw, "Length")

	var back session.Metadata
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, m.Length, back.Length)
	assert.True(t, m.Epoch.Equal(back.Epoch))
	assert.Equal(t, m.Status, back.Status)
}

func TestErrorsUnwrap(t *testing.T) {
	var err error = &session.LockedError{Session: "s", PID: 42, Path: "/x/lock"}
	assert.True(t, errors.Is(err, session.ErrLocked))
	assert.Contains(t, err.Error(), "42")
	assert.Contains(t, err.Error(), "/x/lock")
	err = &session.AmbiguousError{Prefix: "a", Matches: []string{"a1", "a2"}}
	assert.True(t, errors.Is(err, session.ErrAmbiguous))
}

func TestResolve(t *testing.T) {
	st := newStore(t)
	c := create(t, st, "cafe0001")
	require.NoError(t, os.WriteFile(c.Path(session.MetadataFile), []byte("{"), 0o600))
	id, err := st.Resolve("cafe")
	require.NoError(t, err, "a corrupt session still resolves")
	assert.Equal(t, "cafe0001", id)
	_, err = st.Resolve("beef")
	assert.ErrorIs(t, err, session.ErrNotFound)
}
