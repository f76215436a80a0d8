package session_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

var allStatuses = []session.Status{
	session.StatusRecording, session.StatusCaptured, session.StatusIndexed, session.StatusGenerated,
	session.StatusCaptureFailed, session.StatusIndexFailed, session.StatusGenerateFailed,
}

func TestStatusMachineAllPairs(t *testing.T) {
	// The allowed moves, written out independently of the implementation.
	// Staying put is always allowed.
	allowed := map[[2]session.Status]bool{
		{"recording", "captured"}:        true,
		{"recording", "capture_failed"}:  true,
		{"capture_failed", "captured"}:   true, // recovered by `trace stop`
		{"capture_failed", "recording"}:  true,
		{"captured", "indexed"}:          true,
		{"captured", "index_failed"}:     true,
		{"index_failed", "indexed"}:      true,
		{"index_failed", "captured"}:     true,
		{"indexed", "generated"}:         true,
		{"indexed", "generate_failed"}:   true,
		{"indexed", "captured"}:          true, // re-index
		{"generated", "generate_failed"}: true,
		{"generated", "captured"}:        true,
		{"generate_failed", "generated"}: true,
		{"generate_failed", "indexed"}:   true,
		{"generate_failed", "captured"}:  true,
	}
	n := 0
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			want := from == to || allowed[[2]session.Status{from, to}]
			assert.Equal(t, want, session.CanTransition(from, to), "%s → %s", from, to)
			if want {
				n++
			}
		}
	}
	assert.Equal(t, len(allowed)+len(allStatuses), n)
	assert.False(t, session.CanTransition("bogus", session.StatusCaptured))
	assert.False(t, session.CanTransition(session.StatusRecording, "bogus"))
}

func TestTransitionPersists(t *testing.T) {
	st := newStore(t)
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				s, err := st.Create(session.CreateOptions{Status: from})
				require.NoError(t, err)
				before, err := os.ReadFile(s.Path(session.MetadataFile))
				require.NoError(t, err)

				err = s.Transition(to, nil)
				if !session.CanTransition(from, to) {
					require.ErrorIs(t, err, session.ErrTransition)
					assert.Contains(t, err.Error(), string(from))
					assert.Contains(t, err.Error(), string(to))
					assert.Equal(t, from, s.Meta.Status, "a refused move changes nothing in memory")
					after, err := os.ReadFile(s.Path(session.MetadataFile))
					require.NoError(t, err)
					assert.Equal(t, before, after, "nor on disk")
					return
				}
				require.NoError(t, err)
				got, err := st.Get(s.ID())
				require.NoError(t, err)
				assert.Equal(t, to, got.Meta.Status)
			})
		}
	}
}

func TestTransitionError(t *testing.T) {
	st := newStore(t)
	s := create(t, st, "aaaa8888")
	require.NoError(t, s.Transition(session.StatusCaptureFailed, errors.New("recorder died")))
	assert.Equal(t, "recorder died", s.Meta.Error)
	assert.True(t, s.Meta.Status.Failed())
	require.NoError(t, s.Transition(session.StatusCaptured, nil))
	assert.Empty(t, s.Meta.Error, "leaving a failed state clears the error")
	assert.False(t, s.Meta.Status.Failed())

	// A save that fails leaves the in-memory status as it was.
	require.NoError(t, os.RemoveAll(s.Dir))
	require.Error(t, s.Transition(session.StatusIndexed, nil))
	assert.Equal(t, session.StatusCaptured, s.Meta.Status)
}

func TestStatusValid(t *testing.T) {
	for _, s := range allStatuses {
		assert.True(t, s.Valid(), s)
	}
	assert.False(t, session.Status("").Valid())
	assert.False(t, session.Status("Recording").Valid())
}

// FuzzMetadata feeds arbitrary bytes to the store as a metadata.json: the
// store must never panic, must accept only files that pass its checks, must
// never change the file, and what it accepts must survive a save unchanged.
func FuzzMetadata(f *testing.F) {
	f.Add([]byte(`{"schema":1,"id":"fuzz0000","status":"captured","created_at":"2026-05-01T10:00:00Z","length":12.5}`))
	f.Add([]byte(`{"schema":2,"id":"fuzz0000","status":"captured"}`))
	f.Add([]byte(`{"schema":1,"id":"fuzz0000","status":"nope"}`))
	f.Add([]byte(`{"schema":1,"id":"fuzz0000","status":"recording","length":1e308,"steps":{"a":{"at":"x"}}}`))
	f.Add([]byte(`{"schema":1,"id":"fuzz0000","status":"indexed","prs":["u"],"backend_ids":{"v":"1"}}`))
	f.Add([]byte(`{"schema`))
	f.Fuzz(func(t *testing.T, data []byte) {
		home := t.TempDir() // fuzz workers run in parallel processes
		st, err := session.Open(home)
		require.NoError(t, err)
		dir := filepath.Join(home, "sessions", "fuzz0000")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		path := filepath.Join(dir, session.MetadataFile)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := st.Get("fuzz0000")
		after, _ := os.ReadFile(path)
		if string(after) != string(data) {
			t.Fatal("Get changed the file")
		}
		if err != nil {
			if !errors.Is(err, session.ErrCorrupt) && !errors.Is(err, session.ErrSchema) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if s.Meta.Schema < 1 || s.Meta.Schema > session.SchemaVersion || !s.Meta.Status.Valid() || s.Meta.ID != "fuzz0000" {
			t.Fatalf("accepted invalid metadata: %+v", s.Meta)
		}
		first, err := json.Marshal(s.Meta)
		if err != nil {
			t.Fatalf("accepted metadata does not encode: %v", err)
		}
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
		again, err := st.Get("fuzz0000")
		if err != nil {
			t.Fatalf("saved metadata does not load: %v", err)
		}
		second, _ := json.Marshal(again.Meta)
		if string(first) != string(second) {
			t.Fatalf("save changed the metadata:\n%s\n%s", first, second)
		}
	})
}
