package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

func TestTestingClassifier(t *testing.T) {
	ev := session.Evidence{Length: time.Minute, Scenes: []session.Scene{
		{Span: session.Span{Start: 0, End: 20 * time.Second}, Label: session.LabelEditor, Summary: "main.go open"},
		{Span: session.Span{Start: 20 * time.Second, End: 40 * time.Second}, Label: session.LabelTerminal, Summary: "go test ./... fails", Errors: []string{"--- FAIL: TestX"}},
	}}
	got := testingClassifier().Classify(timeline.NewInput(ev, nil))
	require.Len(t, got, 1)
	assert.Equal(t, KindTesting, got[0].Kind)
	assert.Equal(t, 0.8, got[0].Confidence)
	assert.Equal(t, 20*time.Second, got[0].Span.Start)
}

func TestRunComposesACustomPipeline(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	ctx := context.Background()
	home := t.TempDir()
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ProjectDir: t.TempDir(), Status: session.StatusCaptured})
	require.NoError(t, err)
	_, err = execx.Output(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=6", "-f", "lavfi", "-i", "sine=f=440:d=6",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", s.Path("screen.mp4"))
	require.NoError(t, err)
	s.Meta.Recording, s.Meta.Length, s.Meta.Mic = "screen.mp4", 6*time.Second, true
	require.NoError(t, s.Save())
	require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{At: 4 * time.Second, Path: "main.go", Op: "write"}))
	diff := filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte("diff --git a/main.go b/main.go\nnew file mode 100644\n--- /dev/null\n+++ b/main.go\n@@ -0,0 +1 @@\n+package main\n"), 0o600))
	out := filepath.Join(t.TempDir(), "artefacts")

	var stdout bytes.Buffer
	require.NoError(t, run(ctx, []string{"-home", home, "-session", s.ID(), "-diff", diff, "-out", out}, &stdout))
	assert.Contains(t, stdout.String(), "session "+s.ID())
	assert.Contains(t, stdout.String(), "stop/timeline done")
	for _, name := range []string{"description.md", "focus.md", "contribution-map.md", "walkthrough.md"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err, name)
		assert.True(t, strings.Contains(string(b), "main.go"), name)
	}
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusGenerated, s.Meta.Status)
}
