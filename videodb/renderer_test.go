package videodb_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/editor"
	"github.com/tracepr/trace/videodb/videodbtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(p, got, 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run go test -update to create %s", p)
	assert.Equal(t, string(want), string(got))
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// testPlan has odd float durations (the seed's integer cursor drifted on
// these), a clip running past the recording, a badge, captions and music.
func testPlan(video, voice1, voice2, music, image string) *render.Plan {
	segs := []render.Segment{
		{Kind: render.SegIntro, Duration: ms(3400), Card: &render.Card{Title: "Fix frame parsing", Lines: []string{"feature/parser", "2 clips"}, Image: session.Media{ID: image}}},
		{Kind: render.SegClip, Duration: ms(7350), Source: session.Span{Start: ms(12500), End: ms(19850)},
			Narration: session.Media{ID: voice1, Duration: ms(6750)}, Text: "First I found the short read.",
			Captions: []render.Caption{{Span: session.Span{Start: 0, End: ms(3100)}, Text: "First I found"}, {Span: session.Span{Start: ms(3100), End: ms(6750)}, Text: "the short read."}},
			Badge:    &render.Badge{Kind: session.KindStuck, File: "internal/parser/parser.go"}},
		{Kind: render.SegClip, Duration: ms(4123), Source: session.Span{Start: ms(58000), End: ms(62123)},
			Narration: session.Media{ID: voice2, Duration: ms(3523)}, Text: "Then the fix.", Badge: &render.Badge{Kind: session.KindProgress}},
		{Kind: render.SegOutro, Duration: ms(4000), Card: &render.Card{Title: "Thanks for reviewing"}},
	}
	var at time.Duration
	for i := range segs {
		segs[i].Start = at
		at += segs[i].Duration
	}
	return &render.Plan{Schema: render.PlanSchema, Title: "Fix frame parsing", Width: 1280, Height: 720, Duration: at,
		Source: session.Media{ID: video}, SourceLength: ms(60000), Segments: segs,
		Music: &render.Music{Media: session.Media{ID: music, Duration: ms(10000)}, Volume: 0.3, Duck: 0.08}}
}

func TestRendererTimelineGolden(t *testing.T) {
	r := videodb.NewRenderer(nil, videodb.RendererOptions{Fade: 250 * time.Millisecond})
	tl, err := r.Timeline(testPlan("m-1", "a-2", "a-3", "a-4", "img-5"))
	require.NoError(t, err)
	b, err := json.MarshalIndent(tl, "", "  ")
	require.NoError(t, err)
	golden(t, "render_timeline.golden", append(b, '\n'))

	// No overlaps on any track; the music covers the whole video with no gap.
	for i, tr := range tl.Tracks {
		items := append([]editor.TrackItem(nil), tr.Clips...)
		sort.Slice(items, func(a, b int) bool { return items[a].Start < items[b].Start })
		for j := 1; j < len(items); j++ {
			if i == 1 { // the card track stacks an image and its title at the same start
				continue
			}
			assert.LessOrEqual(t, items[j-1].Start+items[j-1].Clip.Duration, items[j].Start+1e-9, "track %d clip %d overlaps", i, j)
		}
	}
	music := tl.Tracks[len(tl.Tracks)-1].Clips
	var end float64
	for _, c := range music {
		assert.InDelta(t, end, c.Start, 1e-9, "music gap")
		end = c.Start + c.Clip.Duration
	}
	assert.InDelta(t, 18.873, end, 1e-9)
	// The second clip's source was cut at the recording's end (60 s).
	video := tl.Tracks[0].Clips
	assert.InDelta(t, 10.75, video[1].Start, 1e-9, "exact float start, no drift")
	assert.InDelta(t, 2.0, video[1].Clip.Duration, 1e-9)
}

func TestRendererErrors(t *testing.T) {
	r := videodb.NewRenderer(nil, videodb.RendererOptions{})
	p := testPlan("/home/me/screen.mp4", "a-2", "a-3", "a-4", "img-5")
	_, err := r.Timeline(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a VideoDB video")

	p = testPlan("m-1", "voice.wav", "a-3", "a-4", "")
	_, err = r.Timeline(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "narration of segment 1")

	p = testPlan("m-1", "a-2", "a-3", "a-4", "")
	p.Segments[2].Source = session.Span{Start: ms(70000), End: ms(80000)}
	_, err = r.Timeline(p)
	require.ErrorIs(t, err, session.ErrSpan)

	_, err = r.Timeline(&render.Plan{})
	require.Error(t, err)
}

func TestRenderAgainstFake(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	video := srv.AddVideo("rec", 60)
	voice := videodb.NewVoice(c, videodb.VoiceOptions{VoiceName: "Aria", SignedURL: true})
	v1, err := voice.Speak(ctx, "First I found the short read in the parser.")
	require.NoError(t, err)
	assert.Equal(t, 3600*time.Millisecond, v1.Duration, "the fake speaks 0.4 s a word")
	assert.Contains(t, v1.URL, "/files/"+v1.ID)
	v2, err := voice.Speak(ctx, "Then the fix.")
	require.NoError(t, err)
	music, err := videodb.GenerateMusicBed(ctx, c, 18500*time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, 19*time.Second, music.Duration)
	img, err := videodb.GenerateIntroImage(ctx, c, "Fix frame parsing")
	require.NoError(t, err)

	p := testPlan(video, v1.ID, v2.ID, music.ID, img.ID)
	p.Segments[1].Narration.Duration = v1.Duration
	p.Segments[2].Narration.Duration = v2.Duration
	// render.Build clamps a clip to the recording: 58–60 s of a 4.123 s
	// segment, so the narration outlasts the video by 2.123 s.
	p.Segments[2].Source.End = ms(60000)
	out, err := videodb.NewRenderer(c, videodb.RendererOptions{}).Render(ctx, p)
	require.NoError(t, err)
	assert.Contains(t, out.Video.URL, srv.URL+"/stream/ed-")
	assert.Equal(t, p.Duration, out.Video.Duration)
	assert.NotEmpty(t, out.Poster.ID)
	require.Len(t, srv.Timelines(), 1)
	var tl map[string]any
	require.NoError(t, json.Unmarshal(srv.Timelines()[0], &tl))
	assert.Equal(t, "1280x720", tl["resolution"])
}

// videoTrack decodes the first track of the last timeline sent to the fake.
func videoTrack(t *testing.T, srv *videodbtest.Server) []map[string]any {
	t.Helper()
	tls := srv.Timelines()
	require.NotEmpty(t, tls)
	var tl struct {
		Tracks []struct {
			Clips []map[string]any `json:"clips"`
		} `json:"tracks"`
	}
	require.NoError(t, json.Unmarshal(tls[len(tls)-1], &tl))
	require.NotEmpty(t, tl.Tracks)
	return tl.Tracks[0].Clips
}

// A clip whose narration outlasts its source span holds the span's last
// frame, as the local renderer does, instead of showing black.
func TestRenderHoldsLastFrame(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	video := srv.AddVideo("rec", 60)
	p := testPlan(video, "", "", "", "")
	p.Music, p.Segments[0].Card.Image = nil, session.Media{}
	// Segment 1: 7.35 s of video under 6.75 s of speech (no hold).
	// Segment 2: 2 s of video (clamped at 60 s) in a 4.123 s segment.
	p.Segments[1].Narration, p.Segments[1].Captions = session.Media{}, nil
	p.Segments[2].Narration = session.Media{}
	p.Segments[2].Source.End = ms(60000)
	p.Segments[1].Card = &render.Card{Title: "First I found the short read."}
	p.Segments[2].Card = &render.Card{Title: "Then the fix."}
	_, err := videodb.NewRenderer(c, videodb.RendererOptions{Fade: 250 * time.Millisecond, NoPoster: true}).Render(ctx, p)
	require.NoError(t, err)

	thumbs := srv.RequestsTo("POST", "video/"+video+"/thumbnail")
	require.Len(t, thumbs, 1, "one still, for the one short span")
	body, ok := thumbs[0].Body.(map[string]any)
	require.True(t, ok, "thumbnail request has a JSON body")
	assert.InDelta(t, 59.96, body["time"], 1e-9, "the still is the span's last frame")

	clips := videoTrack(t, srv)
	require.Len(t, clips, 3)
	b, err := json.MarshalIndent(clips, "", "  ")
	require.NoError(t, err)
	golden(t, "render_hold.golden", append(b, '\n'))
	hold := clips[2]
	clip := hold["clip"].(map[string]any)
	assert.Equal(t, "image", clip["asset"].(map[string]any)["type"])
	assert.InDelta(t, 12.75, hold["start"], 1e-9, "the still starts where the video ends")
	assert.InDelta(t, 2.123, clip["duration"], 1e-9, "and lasts to the segment's end")
	end := p.Segments[2].Start + p.Segments[2].Duration
	assert.InDelta(t, end.Seconds(), hold["start"].(float64)+clip["duration"].(float64), 1e-9)
}

// Without a still (the thumbnail call fails), the render still succeeds and
// the segment's tail shows the background.
func TestRenderHoldFallsBackToBackground(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	video := srv.AddVideo("rec", 60)
	p := testPlan(video, "", "", "", "")
	p.Music, p.Segments[0].Card.Image = nil, session.Media{}
	p.Segments[1].Narration, p.Segments[1].Captions = session.Media{}, nil
	p.Segments[2].Narration = session.Media{}
	p.Segments[2].Source.End = ms(60000)
	p.Segments[1].Card = &render.Card{Title: "a"}
	p.Segments[2].Card = &render.Card{Title: "b"}
	srv.FailOnce("POST", "video/"+video+"/thumbnail", 400)
	_, err := videodb.NewRenderer(c, videodb.RendererOptions{NoPoster: true}).Render(ctx, p)
	require.NoError(t, err)
	assert.Len(t, videoTrack(t, srv), 2, "no still: only the two video clips")
}

func TestWriter(t *testing.T) {
	ctx := context.Background()
	var seen string
	srv, c := newFake(t, videodbtest.Options{Text: func(prompt, rt string) any {
		seen = prompt
		if rt == "json" {
			return map[string]any{"what": "fixes parsing"}
		}
		return "  I fixed the short read.  "
	}})
	w := videodb.NewWriter(c, "")
	got, err := w.Write(ctx, narrate.Prompt{Task: "clip_narration", System: "Be grounded.", User: "Evidence: token=abcdef1234567890"})
	require.NoError(t, err)
	assert.Equal(t, "I fixed the short read.", got)
	assert.Equal(t, "Be grounded.\n\nEvidence: token=[REDACTED]", seen)
	assert.Equal(t, "pro", lastBody(t, srv, "POST", "collection/default/generate/text")["model_name"])
	got, err = w.Write(ctx, narrate.Prompt{Task: "pr_description", User: "x", JSON: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"what":"fixes parsing"}`, got)
	_, err = w.Write(ctx, narrate.Prompt{Task: "qa"})
	require.Error(t, err)
}
