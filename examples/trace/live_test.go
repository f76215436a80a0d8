package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// TestLiveStartUploadsChunksToVideoDB records a real X display with --live and
// checks that closed chunks reached the VideoDB fake while recording.
func TestLiveStartUploadsChunksToVideoDB(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	fake := videodbtest.NewServer(videodbtest.Options{})
	t.Cleanup(fake.Close)
	c := traceCLI{bin: buildTrace(t), home: t.TempDir(), env: []string{
		"DISPLAY=" + display, "XDG_SESSION_TYPE=x11", "WAYLAND_DISPLAY=", "XDG_CURRENT_DESKTOP=",
		"VIDEO_DB_API_KEY=" + fake.APIKey(), "VIDEODB_API_KEY=", "TRACE_VIDEODB_URL=" + fake.URL, "TRACE_VIDEODB_POLL_INTERVAL=200ms",
	}}

	out, errOut, code := c.run(t, "--backend", "videodb", "--json", "start", "--live", "--chunk", "3s", "--no-mic", "--project", "")
	require.Equal(t, 0, code, "start: %s %s", out, errOut)
	st, err := session.Open(c.home)
	require.NoError(t, err)
	s, err := st.Latest()
	require.NoError(t, err)
	assert.True(t, s.Meta.Live)

	// Wait until at least two chunks were uploaded while recording goes on.
	require.Eventually(t, func() bool {
		recs, _, _ := session.ReadJSONL[capture.ChunkRecord](s.Path(session.FileChunks))
		n := 0
		for _, r := range recs {
			if r.ID != "" {
				n++
			}
		}
		return n >= 2
	}, 40*time.Second, 200*time.Millisecond, "chunks uploaded during recording")

	out, errOut, code = c.run(t, "--backend", "videodb", "stop", "--skip-index", s.ID())
	require.Equal(t, 0, code, "stop: %s %s", out, errOut)

	recs, _, err := session.ReadJSONL[capture.ChunkRecord](s.Path(session.FileChunks))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(recs), 2)
	var last time.Duration
	for i, r := range recs {
		assert.NotEmpty(t, r.ID, "chunk %d uploaded", r.Seq)
		assert.Empty(t, r.Error)
		assert.FileExists(t, filepath.Join(s.Dir, filepath.FromSlash(r.Path)))
		if i > 0 {
			assert.InDelta(t, last.Seconds(), r.Span.Start.Seconds(), 0.25, "chunks are contiguous")
		}
		last = r.Span.End
	}
	assert.GreaterOrEqual(t, len(fake.VideoIDs()), len(recs), "every chunk became a video on VideoDB")
}

func TestLiveIsRefusedOnTheLocalBackend(t *testing.T) {
	t.Setenv("DISPLAY", ":99")
	t.Setenv("XDG_SESSION_TYPE", "x11")
	t.Setenv("WAYLAND_DISPLAY", "")
	home := t.TempDir()
	_, errOut, code := cli(t, home, "--backend", "local", "start", "--live", "--no-mic")
	assert.Equal(t, exitConfig, code)
	assert.Contains(t, errOut, "--live")
	assert.Contains(t, errOut, "--backend videodb")
	st, err := session.Open(home)
	require.NoError(t, err)
	r, err := st.List()
	require.NoError(t, err)
	assert.Empty(t, r.Sessions, "no session is created for a refused start")
}
