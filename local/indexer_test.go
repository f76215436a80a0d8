package local

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
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
