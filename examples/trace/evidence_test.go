package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func newEvidenceSession(t *testing.T) (*app, *session.Session) {
	t.Helper()
	home := t.TempDir()
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "evidence-test"})
	require.NoError(t, err)
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	a.home = home
	return a, s
}

func TestLoadEvidence(t *testing.T) {
	a, s := newEvidenceSession(t)
	s.Meta.Length = 2 * time.Minute
	require.NoError(t, s.WriteJSON(session.FileTranscript, []session.Segment{{Span: session.Span{Start: 5 * time.Second, End: 8 * time.Second}, Text: "hello"}}))
	require.NoError(t, s.WriteJSON(session.FileScenes, []session.Scene{{Span: session.Span{End: 10 * time.Second}, Label: session.LabelEditor}}))
	// Out of order on disk, plus a torn last line.
	require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{At: 30 * time.Second, Path: "b.go"}))
	require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{At: 10 * time.Second, Path: "a.go"}))
	f, err := os.OpenFile(s.Path(session.FileSaves), os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	_, _ = f.WriteString(`{"t": 40, "pa`)
	require.NoError(t, f.Close())
	require.NoError(t, s.Append(session.FileWindows, session.WindowSample{At: time.Second, App: "firefox", Title: "docs"}))
	require.NoError(t, s.Append(session.FileAgent, session.AgentEvent{At: 20 * time.Second, Agent: "claude-code", Tool: "Edit", Path: "a.go"}))

	ev, err := a.loadEvidence(s)
	require.NoError(t, err)
	assert.Equal(t, 2*time.Minute, ev.Length)
	require.Len(t, ev.Saves, 2)
	assert.Equal(t, "a.go", ev.Saves[0].Path, "sorted by time")
	assert.Len(t, ev.Transcript, 1)
	assert.Len(t, ev.Scenes, 1)
	assert.Len(t, ev.Windows, 1)
	assert.Len(t, ev.Agent, 1)
}

func TestLoadEvidenceEmptyAndNoLength(t *testing.T) {
	a, s := newEvidenceSession(t)
	ev, err := a.loadEvidence(s)
	require.NoError(t, err)
	assert.Zero(t, ev.Length)
	assert.Empty(t, ev.Saves)

	require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{At: 42 * time.Second, Path: "a.go"}))
	ev, err = a.loadEvidence(s)
	require.NoError(t, err)
	assert.Equal(t, 42*time.Second, ev.Length, "falls back to the last event")
}

func TestLoadEvidenceCorrupt(t *testing.T) {
	a, s := newEvidenceSession(t)
	require.NoError(t, os.WriteFile(s.Path(session.FileScenes), []byte(`[{"span":`), 0o600))
	_, err := a.loadEvidence(s)
	require.ErrorIs(t, err, session.ErrCorrupt)
	assert.Contains(t, err.Error(), session.FileScenes)
}
