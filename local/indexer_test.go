package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

func TestIndexRealRecording(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "tesseract", "pocketsphinx_continuous")
	testutil.NeedFile(t, DefaultSpeechModel, "pocketsphinx-en-us model")
	ctx := context.Background()
	s := newFixtureSession(t, true)
	ix := NewIndexer(Options{FrameInterval: time.Second})
	got, err := ix.Index(ctx, s)
	require.NoError(t, err)
	x := got.(*Index)
	assert.Empty(t, x.Missing())

	segs, err := x.Transcript(ctx)
	require.NoError(t, err)
	var heard []string
	for _, sg := range segs {
		heard = append(heard, sg.Text)
	}
	t.Logf("transcript: %q", heard)
	var ref []string
	for _, sc := range fixtureScenes {
		ref = append(ref, sc.sentence)
	}
	t.Logf("word error rate: %.2f", WordErrorRate(strings.Join(ref, " "), strings.Join(heard, " ")))
	require.NotEmpty(t, segs)

	scenes, err := x.Scenes(ctx)
	require.NoError(t, err)
	for _, sc := range scenes {
		t.Logf("raw %q", sc.RawText)
		t.Logf("scene %s %s files=%v funcs=%v errors=%v: %s", sc.Span, sc.Label, sc.Files, sc.Functions, sc.Errors, sc.Summary)
	}
	require.Len(t, scenes, 3)
	assert.Equal(t, session.LabelEditor, scenes[0].Label)
	assert.Contains(t, scenes[0].Functions, "parseConfig")
	assert.Contains(t, scenes[0].Files, "config/config.go")
	assert.Equal(t, session.LabelTerminal, scenes[1].Label)
	assert.Contains(t, scenes[1].Files, "config/config_test.go")
	assert.NotEmpty(t, scenes[1].Errors)
	assert.Equal(t, session.LabelBrowserDocs, scenes[2].Label)

	hits, err := x.Search(ctx, "parseConfig", session.Visual)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.True(t, hits[0].Span.Contains(fixtureSceneLen/2), "best visual hit %s should cover the editor scene", hits[0].Span)
}

func fixturePhrases() (spoken, visual []string) {
	return []string{"documentation", "failing"}, []string{"parseConfig", "TestParseConfig", "encoding json"}
}

func TestIndexerConformance(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "tesseract", "pocketsphinx_continuous")
	spoken, visual := fixturePhrases()
	sessiontest.Suite{
		New: func(t *testing.T) (session.Indexer, *session.Session) {
			return NewIndexer(Options{FrameInterval: time.Second}), newFixtureSession(t, true)
		},
		Phrases: spoken,
		Visual:  visual,
		Length:  3 * fixtureSceneLen,
		Slack:   100 * time.Millisecond,
	}.Run(t)
}

func TestIndexResumes(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "tesseract", "pocketsphinx_continuous")
	ctx := context.Background()
	s := newFixtureSession(t, true)
	first := NewIndexer(Options{})
	a, err := first.Index(ctx, s)
	require.NoError(t, err)
	runs := first.ToolRuns()
	assert.Positive(t, runs["ffmpeg"])
	assert.Positive(t, runs["tesseract"])
	assert.Positive(t, runs["pocketsphinx_continuous"])
	for _, step := range []string{StepProbe, StepTranscript, StepFrames, StepOCR, StepScenes, StepIndex} {
		_, ok := s.Step(step)
		assert.True(t, ok, "step %s recorded", step)
	}

	// A second indexer (a new process) reuses every stage.
	second := NewIndexer(Options{})
	b, err := second.Index(ctx, s)
	require.NoError(t, err)
	again := second.ToolRuns()
	for _, tool := range []string{"ffmpeg", "ffprobe", "tesseract", "pocketsphinx_continuous"} {
		assert.Zero(t, again[tool], "second run ran %s", tool)
	}
	ta, _ := a.Transcript(ctx)
	tb, _ := b.Transcript(ctx)
	assert.Equal(t, ta, tb)
	sa, _ := a.Scenes(ctx)
	sb, _ := b.Scenes(ctx)
	assert.Equal(t, sa, sb)

	// A changed option reruns only the stages it feeds.
	third := NewIndexer(Options{FrameInterval: 2 * time.Second})
	_, err = third.Index(ctx, s)
	require.NoError(t, err)
	r3 := third.ToolRuns()
	assert.Zero(t, r3["pocketsphinx_continuous"], "transcript reused")
	assert.Positive(t, r3["tesseract"], "frames sampled again are read again")
}

func TestIndexWithoutOCR(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "pocketsphinx_continuous")
	ctx := context.Background()
	s := newFixtureSession(t, true)
	// PATH without tesseract: only the directories of the tools kept.
	dir := t.TempDir()
	for _, tool := range []string{"ffmpeg", "ffprobe", "pocketsphinx_continuous", "git"} {
		p, err := exec.LookPath(tool)
		require.NoError(t, err)
		require.NoError(t, os.Symlink(p, filepath.Join(dir, tool)))
	}
	t.Setenv("PATH", dir)
	ix := NewIndexer(Options{})
	got, err := ix.Index(ctx, s)
	require.NoError(t, err)
	x := got.(*Index)
	require.Len(t, x.Missing(), 1)
	assert.Contains(t, x.Missing()[0], "ocr: tesseract is not installed")
	assert.Zero(t, ix.ToolRuns()["tesseract"])
	segs, _ := x.Transcript(ctx)
	assert.NotEmpty(t, segs, "the transcript is still made")
	scenes, _ := x.Scenes(ctx)
	require.NotEmpty(t, scenes, "scenes still come from frames and windows")
	assert.Equal(t, session.LabelEditor, scenes[0].Label, "labelled from the window samples")
	rec, ok := s.Step(StepOCR)
	require.True(t, ok)
	assert.Contains(t, rec.Outputs["missing"], "tesseract")

	// Reopened, the index still says what it lacks.
	again, err := NewIndexer(Options{}).Open(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, x.Missing(), again.(*Index).Missing())
}

func TestSearchAndClip(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "tesseract", "pocketsphinx_continuous")
	ctx := context.Background()
	s := newFixtureSession(t, false)
	got, err := NewIndexer(Options{FrameInterval: time.Second}).Index(ctx, s)
	require.NoError(t, err)

	hits, err := got.Search(ctx, "read the documentation", session.Spoken)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.True(t, hits[0].Span.Overlaps(session.Span{Start: 2 * fixtureSceneLen, End: 3 * fixtureSceneLen}), "spoken hit %s in the third scene", hits[0].Span)

	hits, err = got.Search(ctx, "TestParseConfig", session.Visual)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.True(t, hits[0].Span.Contains(fixtureSceneLen+fixtureSceneLen/2), "visual hit %s in the second scene", hits[0].Span)

	for _, sp := range []session.Span{
		{Start: fixtureSceneLen, End: 2 * fixtureSceneLen},             // on a keyframe: stream copy
		{Start: 1500 * time.Millisecond, End: 3500 * time.Millisecond}, // between keyframes: re-encoded
	} {
		p, err := got.Clip(ctx, sp)
		require.NoError(t, err)
		info, err := newRunner(nil).probe(ctx, p)
		require.NoError(t, err)
		assert.True(t, info.HasVideo && info.HasAudio)
		assert.InDelta(t, sp.Len().Seconds(), info.Duration.Seconds(), 0.15, "clip %s", sp)
		p2, err := got.Clip(ctx, sp)
		require.NoError(t, err)
		assert.Equal(t, p, p2, "cached by span")
	}
}
