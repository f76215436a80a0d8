package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
)

// TestDemoEndToEnd runs `trace demo` once, for real (ffmpeg, flite, the save
// watcher, pocketsphinx, tesseract, the local renderer), and checks what it
// produced. It takes about a minute and a half: the scripted minute is
// played in real time.
func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo plays a minute in real time; run without -short")
	}
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "git", "tesseract")
	home := t.TempDir()
	out := filepath.Join(t.TempDir(), "demo")
	// The demo's own agent log is used; a user's real logs must not be.
	t.Setenv("CLAUDE_CONFIG_DIR", t.TempDir())
	t.Setenv("TRACE_BACKEND", "")

	start := time.Now()
	stdout, stderr, code := cli(t, home, "demo", "--out", out, "--json", "--keep")
	require.Equal(t, 0, code, "stderr: %s", stderr)
	t.Logf("demo took %s", time.Since(start).Round(time.Second))
	var sum demoSummary
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
	require.NotEmpty(t, sum.Repository)
	work := filepath.Dir(sum.Repository)
	t.Cleanup(func() { os.RemoveAll(work) })
	assert.Contains(t, stderr, "generate/local/render", "progress is printed as it goes")

	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Get(sum.Session)
	require.NoError(t, err)

	t.Run("session", func(t *testing.T) {
		assert.Equal(t, session.StatusGenerated, s.Meta.Status)
		assert.InDelta(t, demoLength().Seconds(), s.Meta.Length.Seconds(), 0.5)
		saves, _, err := session.ReadJSONL[session.SaveEvent](s.Path(session.FileSaves))
		require.NoError(t, err)
		paths := map[string]bool{}
		for _, e := range saves {
			paths[e.Path] = true
		}
		assert.Equal(t, map[string]bool{"backoff.go": true, "backoff_test.go": true, "README.md": true}, paths, "the watcher saw the scripted saves")
		for _, e := range saves {
			if e.Path == "README.md" {
				assert.InDelta(t, 55, e.At.Seconds(), 2, "saves are on the recording's time base")
			}
		}
		var tr []session.Segment
		require.NoError(t, s.ReadJSON(session.FileTranscript, &tr))
		assert.NotEmpty(t, tr, "the spoken lines were transcribed")
	})

	t.Run("video plays for the plan's length", func(t *testing.T) {
		require.NotEmpty(t, sum.Video)
		var plan render.Plan
		b, err := os.ReadFile(sum.Plan)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &plan))
		info, err := capture.Probe(context.Background(), sum.Video)
		require.NoError(t, err)
		assert.True(t, info.Video && info.Audio)
		assert.InDelta(t, plan.Duration.Seconds(), info.Duration.Seconds(), 0.5)
	})

	t.Run("description", func(t *testing.T) {
		b, err := os.ReadFile(sum.Description)
		require.NoError(t, err)
		d := string(b)
		for _, h := range []string{"## What changed", "## Why", "## Follow-ups", "## Test plan"} {
			assert.Contains(t, d, h)
		}
		assert.Contains(t, d, "`backoff.go`")
		assert.Contains(t, d, "TODO: expose MaxDelay as an option", "the TODO added in the diff is a follow-up")
		assert.Contains(t, d, "(walkthrough.mp4)", "the description links the video")
	})

	t.Run("focus guide", func(t *testing.T) {
		b, err := os.ReadFile(sum.Focus)
		require.NoError(t, err)
		assert.Contains(t, string(b), "**`backoff.go`**")
	})

	t.Run("contribution map", func(t *testing.T) {
		b, err := os.ReadFile(sum.ContributionMap)
		require.NoError(t, err)
		row := regexp.MustCompile("(?m)^\\| `backoff_test.go` \\| (\\d+) \\| 0 \\| 0 \\| 0 \\|").FindStringSubmatch(string(b))
		require.NotNil(t, row, "backoff_test.go is all agent:\n%s", b)
		assert.Equal(t, "18", row[1])
		assert.Regexp(t, "(?m)^\\| `backoff.go` \\| 0 \\| 0 \\| \\d+ \\| 0 \\|", string(b), "backoff.go is the human's")
	})

	t.Run("report page", func(t *testing.T) {
		html, err := os.ReadFile(sum.Report)
		require.NoError(t, err)
		assert.Contains(t, string(html), `src="walkthrough.mp4"`)
		assert.NotRegexp(t, `(src|href)="(https?:)?//`, string(html), "no network references")
		if _, err := exec.LookPath("chromium"); err != nil {
			t.Skip("chromium is not installed: the page is not opened in a browser")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio", "--user-data-dir="+t.TempDir(),
			"--virtual-time-budget=5000", "--dump-dom", "file://"+sum.Report)
		b, err := cmd.Output()
		require.NoError(t, err)
		dom := string(b)
		for _, id := range []string{"walkthrough", "timeline", "description", "focus", "contribution-map"} {
			assert.Contains(t, dom, `<section id="`+id+`">`)
		}
		// The page's script reports into attributes of <body>: the video
		// and both tracks (captions, chapters) must load from file://.
		bodyTag := regexp.MustCompile(`<body[^>]*>`).FindString(dom)
		require.NotEmpty(t, bodyTag)
		assert.NotContains(t, bodyTag, "data-video-error", "the video element failed to load")
		assert.NotContains(t, bodyTag, "data-track-error", "a track failed to load from file://")
		assert.Contains(t, bodyTag, `data-tracks-loaded="2"`, "captions and chapters load from file://")
		// The video's source loads when the browser learns its duration.
		if m := regexp.MustCompile(`data-video-duration="([0-9.]+)"`).FindStringSubmatch(bodyTag); m != nil {
			d, _ := strconv.ParseFloat(m[1], 64)
			info, err := capture.Probe(context.Background(), sum.Video)
			require.NoError(t, err)
			assert.InDelta(t, info.Duration.Seconds(), d, 0.3, "the browser loaded the video")
		} else {
			t.Logf("this chromium did not report the video's metadata (no H.264 decoder?); the file was checked with ffprobe")
		}
	})

	t.Run("a second run of generate reuses everything", func(t *testing.T) {
		before, err := os.ReadFile(sum.Focus)
		require.NoError(t, err)
		stdout, stderr, code := cli(t, home, "generate", s.ID(), "--base", "main", "--out", out, "--title", "retry: cap the backoff delay",
			"--claude-dir", filepath.Join(work, "claude"), "--codex-dir", "-", "--gemini-dir", "-")
		require.Equal(t, 0, code, "stderr: %s\nstdout: %s", stderr, stdout)
		assert.NotContains(t, stderr, "…\n", "no step ran again")
		after, err := os.ReadFile(sum.Focus)
		require.NoError(t, err)
		assert.Equal(t, string(before), string(after))
		assert.True(t, strings.Contains(stderr, "done before, reused"), stderr)
	})
}
