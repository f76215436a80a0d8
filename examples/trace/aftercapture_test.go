package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

// capturedSession stores a captured session with a short real recording.
func capturedSession(t *testing.T, home string) *session.Session {
	t.Helper()
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ProjectDir: t.TempDir(), Status: session.StatusCaptured})
	require.NoError(t, err)
	_, err = execx.Output(context.Background(), "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=4", "-f", "lavfi", "-i", "sine=f=440:d=4",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", s.Path("screen.mp4"))
	require.NoError(t, err)
	s.Meta.Recording = "screen.mp4"
	s.Meta.Length = 4 * time.Second
	s.Meta.Epoch = time.Now().Add(-time.Minute)
	s.Meta.Mic = true
	require.NoError(t, s.Save())
	require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{At: 2 * time.Second, Path: "main.go", Op: "write"}))
	return s
}

func TestStopIndexesAndBuildsTheTimeline(t *testing.T) {
	home := t.TempDir()
	t.Setenv("TRACE_BACKEND", "local")
	s := capturedSession(t, home)

	_, stderr, code := cli(t, home, "stop", "--skip-index", s.ID())
	require.Equal(t, 0, code, stderr)
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusCaptured, s.Meta.Status, "--skip-index leaves it captured")
	assert.Contains(t, stderr, "--skip-index")

	_, stderr, code = cli(t, home, "stop", s.ID())
	require.Equal(t, 0, code, stderr)
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusIndexed, s.Meta.Status)
	assert.True(t, s.Exists(session.FileTimeline))
	assert.True(t, s.Exists(session.FileTranscript))
	assert.True(t, s.Exists(session.FileScenes))
	assert.Contains(t, stderr, "stop/index")
	assert.Contains(t, stderr, "next: trace generate "+s.ID())

	// Again: every step is reused.
	_, stderr, code = cli(t, home, "stop", s.ID())
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "done before, reused")
	assert.NotRegexp(t, `stop/index\s+…`, stderr, "the index is not built again")
}
