package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// TestVideoDBBackendStopAndGenerateOnGitHub runs the product's main path
// through the CLI against both fakes: `trace stop` uploads and indexes the
// recording on VideoDB, `trace generate PR_URL` narrates, voices and renders
// there and publishes on GitHub. A second generate pays VideoDB for nothing
// and writes nothing on GitHub.
func TestVideoDBBackendStopAndGenerateOnGitHub(t *testing.T) {
	gh, pr := fakeGitHub(t)
	vdb := videodbtest.NewServer(videodbtest.Options{
		VideoLength: 4,
		Transcript: []videodbtest.Sentence{
			{Start: 0.5, End: 2.5, Text: "I add main so that the program starts."},
			{Start: 2.5, End: 3.8, Text: "The build works now."},
		},
	})
	t.Cleanup(vdb.Close)
	t.Setenv("TRACE_BACKEND", "videodb")
	t.Setenv("VIDEO_DB_API_KEY", vdb.APIKey())
	t.Setenv("VIDEODB_API_KEY", "")
	t.Setenv("TRACE_VIDEODB_URL", vdb.URL)
	t.Setenv("TRACE_VIDEODB_POLL_INTERVAL", "10ms")

	home := t.TempDir()
	s := capturedSession(t, home)
	_, stderr, code := cli(t, home, "stop", s.ID())
	require.Equal(t, 0, code, stderr)
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusIndexed, s.Meta.Status)
	assert.NotEmpty(t, s.Meta.BackendIDs, "the uploaded video's id is kept for resuming")
	require.Len(t, vdb.VideoIDs(), 1, "the recording was uploaded once")
	var transcript []session.Segment
	require.NoError(t, s.ReadJSON(session.FileTranscript, &transcript))
	require.NotEmpty(t, transcript)
	assert.Contains(t, transcript[0].Text, "I add main")

	diff := filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte(mainGoDiff), 0o600))
	stdout, stderr, code := cli(t, home, "--json", "generate", s.ID(), pr.URL(), "--diff", diff, "--title", "Add main")
	require.Equal(t, 0, code, stderr)
	var sum generateSummary
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
	assert.NotEmpty(t, sum.Clips)

	// VideoDB did the media work: voice per clip and one editor render.
	assert.NotEmpty(t, vdb.Timelines(), "the walkthrough was rendered by VideoDB's editor")
	voices := 0
	for _, r := range vdb.Requests() {
		if r.Method == "POST" && strings.Contains(string(r.Raw), `"audio_type":"voice"`) {
			voices++
		}
	}
	assert.GreaterOrEqual(t, voices, 1, "narration was voiced by VideoDB")

	// GitHub got one comment per artefact, linking VideoDB's stream, and the
	// description section below the author's text.
	assert.Equal(t, map[string]int{"walkthrough": 1, "focus": 1, "contribution-map": 1}, commentsByKind(gh, pr, s.ID()))
	body := gh.PRBody(pr)
	assert.True(t, strings.HasPrefix(body, "The author's own words."), body)
	assert.Contains(t, body, "## What changed")
	var walk string
	for _, c := range gh.Comments(pr, "issue") {
		if strings.Contains(c.Body, "trace:walkthrough:"+s.ID()) {
			walk = c.Body
		}
	}
	assert.Contains(t, walk, "127.0.0.1", "the walkthrough links the stream VideoDB returned")

	// Again: every step is reused. VideoDB sees no POST (nothing paid for
	// twice), GitHub sees only reads.
	vdb.Reset()
	gh.ResetRequests()
	_, stderr, code = cli(t, home, "generate", s.ID(), pr.URL(), "--diff", diff, "--title", "Add main")
	require.Equal(t, 0, code, stderr)
	for _, r := range vdb.Requests() {
		assert.NotEqual(t, "POST", r.Method, "VideoDB: %s %s", r.Method, r.Path)
	}
	for _, r := range gh.Requests() {
		assert.Equal(t, "GET", r.Method, "GitHub: %s %s", r.Method, r.Path)
	}
}
