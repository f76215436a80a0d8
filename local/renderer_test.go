package local

import (
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
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
)

// testPlan is an intro and two clips of the fixture recording, narrated,
// over a music bed.
func testPlan(t testing.TB, dir string) *render.Plan {
	t.Helper()
	ctx := context.Background()
	rec := fixtureRecording(t)
	v := NewVoice(VoiceOptions{Dir: filepath.Join(dir, "voice")})
	n1, err := v.Speak(ctx, "First I found where the parser fails.")
	require.NoError(t, err)
	n2, err := v.Speak(ctx, "Then the test showed the error.")
	require.NoError(t, err)
	music := filepath.Join(dir, "music.wav")
	_, err = execx.Output(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=2", music)
	require.NoError(t, err)
	segs := []render.Segment{
		{Kind: render.SegIntro, Duration: 2 * time.Second, Card: &render.Card{Title: "Fix the config parser", Lines: []string{"3 files · 1 failing test"}}},
		{Kind: render.SegClip, Duration: 3 * time.Second, Source: session.Span{Start: 500 * time.Millisecond, End: 3500 * time.Millisecond},
			Narration: n1, Text: "First I found where the parser fails.", Badge: &render.Badge{Kind: session.KindProgress, File: "config/config.go"}},
		{Kind: render.SegClip, Duration: 2500 * time.Millisecond, Source: session.Span{Start: 4 * time.Second, End: 6500 * time.Millisecond},
			Narration: n2, Captions: []render.Caption{{Span: session.Span{Start: 0, End: 2 * time.Second}, Text: "Then the test showed the error."}},
			Badge: &render.Badge{Kind: session.KindStuck}},
	}
	var at time.Duration
	for i := range segs {
		segs[i].Start = at
		at += segs[i].Duration
	}
	return &render.Plan{Schema: render.PlanSchema, Title: "Fix the config parser", Width: 640, Height: 360,
		Duration: at, Source: session.Media{Path: rec}, SourceLength: 3 * fixtureSceneLen, Segments: segs,
		Music: &render.Music{Media: session.Media{Path: music}, Volume: 0.3, Duck: 0.05}, OutDir: filepath.Join(dir, "out")}
}

func TestRenderPlan(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	for _, mode := range []string{ModeSegments, ModeGraph} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			p := testPlan(t, t.TempDir())
			r := NewRenderer(RendererOptions{Mode: mode, BurnCaptions: true, HLS: mode == ModeSegments})
			out, err := r.Render(ctx, p)
			require.NoError(t, err)
			info, err := newRunner(nil).probe(ctx, out.Video.Path)
			require.NoError(t, err)
			assert.True(t, info.HasVideo, "video stream")
			assert.True(t, info.HasAudio, "audio stream")
			assert.Equal(t, 640, info.Width)
			assert.InDelta(t, p.Duration.Seconds(), info.Duration.Seconds(), 2.0/25+0.03, "duration matches the plan")
			assert.FileExists(t, out.Poster.Path)
			vtt, err := os.ReadFile(out.Captions.Path)
			require.NoError(t, err)
			assert.Contains(t, string(vtt), "00:00:02.000 --> 00:00:05.000\nFirst I found where the parser fails.")
			assert.Contains(t, string(vtt), "00:00:05.000 --> 00:00:07.000\nThen the test showed the error.")
			ch, err := os.ReadFile(filepath.Join(p.OutDir, RenderChapters))
			require.NoError(t, err)
			assert.Contains(t, string(ch), "progress: config/config.go")
			if mode == ModeSegments {
				pl, err := os.ReadFile(filepath.Join(p.OutDir, RenderHLS))
				require.NoError(t, err)
				assert.True(t, strings.HasPrefix(string(pl), "#EXTM3U"))
			}

			// The same plan again is not rendered again.
			before := r.ToolRuns()["ffmpeg"]
			_, err = r.Render(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, before, r.ToolRuns()["ffmpeg"])
		})
	}
}

func TestRenderRejectsBadPlans(t *testing.T) {
	r := NewRenderer(RendererOptions{OutDir: t.TempDir()})
	ctx := context.Background()
	plan := func(segs ...render.Segment) *render.Plan {
		var at time.Duration
		for i := range segs {
			segs[i].Start = at
			at += segs[i].Duration
		}
		return &render.Plan{Schema: render.PlanSchema, Title: "t", Width: 640, Height: 360, Duration: at, Source: session.Media{ID: "remote-id"}, SourceLength: time.Minute, Segments: segs}
	}
	card := &render.Card{Title: "t"}
	cases := map[string]struct {
		plan *render.Plan
		want string
	}{
		"empty": {plan(), "no segments"},
		"clip without local source": {plan(render.Segment{Kind: render.SegClip, Duration: time.Second, Source: session.Span{End: time.Second},
			Narration: session.Media{ID: "v1", Duration: time.Second}}), "Source has no local path"},
		"missing narration": {plan(render.Segment{Kind: render.SegIntro, Duration: 2 * time.Second, Card: card,
			Narration: session.Media{Path: "/nonexistent/voice.wav", Duration: time.Second}}), "synthesise the voice again"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := r.Render(ctx, c.plan)
			require.ErrorIs(t, err, render.ErrInvalidPlan)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestRendererConformance(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	rendertest.TestRenderer(t, func(t *testing.T) rendertest.Setup {
		dir := t.TempDir()
		v := NewVoice(VoiceOptions{Dir: filepath.Join(dir, "voice")})
		return rendertest.Setup{
			Renderer:     NewRenderer(RendererOptions{}),
			Source:       session.Media{Path: fixtureRecording(t)},
			SourceLength: 3 * fixtureSceneLen,
			Narration: func(t *testing.T, text string) session.Media {
				m, err := v.Speak(context.Background(), text)
				require.NoError(t, err)
				return m
			},
			Tolerance: 2 * time.Second / 25,
			OutDir:    filepath.Join(dir, "out"),
		}
	})
}

func TestVoiceEngines(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	ctx := context.Background()
	for _, eng := range []string{EngineFFmpegFlite, EngineFlite, EngineEspeak} {
		t.Run(eng, func(t *testing.T) {
			if eng != EngineFFmpegFlite {
				testutil.NeedTool(t, eng)
			}
			v := NewVoice(VoiceOptions{Dir: t.TempDir(), Engine: eng})
			// Quotes, colons and brackets would break a filter graph or a
			// command line; the text goes through a file.
			m, err := v.Speak(ctx, `It's "done": the parser [v2]; 100% fixed, isn't it?`)
			require.NoError(t, err)
			assert.FileExists(t, m.Path)
			assert.Greater(t, m.Duration, time.Second)
			again, err := v.Speak(ctx, `It's "done": the parser [v2]; 100% fixed, isn't it?`)
			require.NoError(t, err)
			assert.Equal(t, m.Path, again.Path)
		})
	}
	_, err := NewVoice(VoiceOptions{Engine: "nope"}).Speak(ctx, "hi")
	assert.ErrorContains(t, err, "unknown")
	_, err = NewVoice(VoiceOptions{}).Speak(ctx, "  ")
	assert.ErrorContains(t, err, "empty text")
}
