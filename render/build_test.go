package render

import (
	"encoding/json"
	"errors"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func fixtureInput() Input {
	return Input{
		Title: "Reject corrupt metadata", Branch: "fix-store",
		Source: session.Media{Path: "screen.mp4"}, SourceLength: sec(300),
		Stats: Stats{Recorded: sec(300), Files: 2, Added: 5, Removed: 1},
		Links: []Link{{Label: "Session report:", URL: "https://example.test/s/abc"}},
		Music: &Music{Media: session.Media{Path: "music.mp3"}},
		Clips: []ClipInput{
			{Clip: session.Clip{Span: session.Span{Start: sec(35), End: sec(60)}, Kind: session.KindStuck, Files: []string{"session/store.go"}, Score: 3},
				Text: "Why is this panicking? The Open function returns a nil map.", Narration: session.Media{ID: "v1", Duration: sec(4.2)}},
			{Clip: session.Clip{Span: session.Span{Start: sec(90), End: sec(95)}, Kind: session.KindResearch, Score: 1},
				Text: "The docs say json Unmarshal leaves the map nil, so I initialise it first.", Narration: session.Media{ID: "v2", Duration: sec(5.1)}},
			{Clip: session.Clip{Span: session.Span{Start: sec(295), End: sec(320)}, Kind: session.KindAgent, Files: []string{"session/store_test.go"}, Score: 2},
				Text: "I let Claude Code change store_test.go."},
		},
	}
}

func TestBuildGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"fit-narration", Options{}},
		{"fit-clip-whole-seconds", Options{Timing: FitClip, Quantum: time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Build(fixtureInput(), tc.opt)
			require.NoError(t, err)
			b, err := json.MarshalIndent(p, "", "  ")
			require.NoError(t, err)
			golden(t, "plans/"+tc.name+".json", append(b, '\n'))

			var back Plan
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, *p, back, "the plan's JSON round-trips")
		})
	}
}

func TestBuildTiming(t *testing.T) {
	p, err := Build(fixtureInput(), Options{})
	require.NoError(t, err)
	require.Len(t, p.Segments, 5)
	stuck := p.Segments[1]
	assert.Equal(t, sec(3), stuck.Start, "clips start after the intro card")
	assert.Equal(t, sec(4.8), stuck.Duration, "narration plus the 600ms pad")
	assert.Equal(t, session.Span{Start: sec(35), End: sec(39.8)}, stuck.Source)

	short := p.Segments[2]
	assert.Equal(t, session.Span{Start: sec(90), End: sec(95)}, short.Source, "the span stops at the clip's end; the last frame holds")
	assert.Equal(t, sec(5.7), short.Duration)

	noVoice := p.Segments[3]
	require.NotNil(t, noVoice.Card, "a clip without voice gets a caption card")
	assert.Equal(t, sec(3.85), noVoice.Duration, "39 characters read at 12 a second, plus the pad")
	assert.Equal(t, "agent · store_test.go", noVoice.Card.Title)

	assert.Equal(t, []string{"fix-store", "5:00 recorded · 2 files · +5 −1 · 3 clips"}, p.Segments[0].Card.Lines)
	assert.Equal(t, 0.15, p.Music.Volume)
}

func TestBuildFitClip(t *testing.T) {
	p, err := Build(fixtureInput(), Options{Timing: FitClip, Quantum: time.Second})
	require.NoError(t, err)
	assert.Equal(t, sec(25), p.Segments[1].Duration, "the whole clip is shown")
	assert.Equal(t, session.Span{Start: sec(35), End: sec(60)}, p.Segments[1].Source)
	assert.Equal(t, sec(6), p.Segments[2].Duration, "narration longer than the clip wins, rounded up to whole seconds")
	assert.Equal(t, session.Span{Start: sec(295), End: sec(300)}, p.Segments[3].Source, "the span never runs past the recording")
	for _, s := range p.Segments {
		assert.Zero(t, s.Duration%time.Second)
		assert.Zero(t, s.Start%time.Second)
	}
}

func TestBuildDropsLowestScoresToFitBudget(t *testing.T) {
	in := fixtureInput()
	p, err := Build(in, Options{MaxTotal: sec(20)})
	require.NoError(t, err)
	assert.LessOrEqual(t, p.Duration, sec(20))
	var kinds []session.MomentKind
	for _, s := range p.Segments {
		if s.Badge != nil {
			kinds = append(kinds, s.Badge.Kind)
		}
	}
	assert.Equal(t, []session.MomentKind{session.KindStuck, session.KindAgent}, kinds, "the research clip scored lowest")

	_, err = Build(in, Options{MaxTotal: sec(5)})
	require.ErrorIs(t, err, ErrInvalidPlan)
	assert.Contains(t, err.Error(), "over the 5s budget")
}

// TestBuildProperties builds plans from random clips and narration and
// checks the timing invariants on each.
func TestBuildProperties(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 500; n++ {
		length := time.Duration(10+r.Intn(3600)) * time.Second
		in := Input{Title: "t", Source: session.Media{Path: "s.mp4"}, SourceLength: length}
		for k := r.Intn(8); k > 0; k-- {
			start := time.Duration(r.Int63n(int64(length + 30*time.Second)))
			end := start + time.Duration(r.Int63n(int64(90*time.Second))) + time.Millisecond
			c := ClipInput{Clip: session.Clip{Span: session.Span{Start: start, End: end}, Score: r.Float64()}, Text: "Some words here. And more."}
			if start >= length {
				continue // clip selection never yields a clip past the recording
			}
			if r.Intn(4) > 0 {
				c.Narration = session.Media{ID: "v", Duration: time.Duration(r.Int63n(int64(40 * time.Second)))}
			}
			in.Clips = append(in.Clips, c)
		}
		opt := Options{Timing: Timing(r.Intn(2)), MaxTotal: time.Duration(r.Intn(3)) * time.Minute}
		if r.Intn(2) == 0 {
			opt.Quantum = time.Second
		}
		p, err := Build(in, opt)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidPlan)
			require.Contains(t, err.Error(), "budget", "only the budget may fail: %v", err)
			continue
		}
		var at time.Duration
		for i, s := range p.Segments {
			require.Equal(t, at, s.Start, "plan %d segment %d: no gap, no overlap", n, i)
			require.Positive(t, s.Duration)
			at += s.Duration
			if s.Kind == SegClip {
				require.True(t, s.Source.Valid())
				require.LessOrEqual(t, s.Source.End, length, "inside the recording")
				require.LessOrEqual(t, s.Source.Len(), s.Duration)
				require.GreaterOrEqual(t, s.Duration, s.Narration.Duration)
			}
		}
		require.Equal(t, at, p.Duration)
		if opt.MaxTotal > 0 {
			require.LessOrEqual(t, p.Duration, opt.MaxTotal)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := func() *Plan {
		p, err := Build(fixtureInput(), Options{})
		require.NoError(t, err)
		return p
	}
	tests := []struct {
		name   string
		break_ func(p *Plan)
		want   string
	}{
		{"gap", func(p *Plan) { p.Segments[2].Start += time.Second }, "leaving a gap"},
		{"overlap", func(p *Plan) { p.Segments[2].Start -= time.Second }, "overlapping"},
		{"span outside the recording", func(p *Plan) { p.Segments[1].Source.End = sec(400) }, "past the end of the 5:00 recording"},
		{"missing narration asset", func(p *Plan) { p.Segments[1].Narration = session.Media{} }, "missing asset"},
		{"missing source", func(p *Plan) { p.Source = session.Media{} }, "no source recording"},
		{"narration longer than segment", func(p *Plan) { p.Segments[1].Narration.Duration = sec(60) }, "lengthen the segment"},
		{"wrong total", func(p *Plan) { p.Duration++ }, "set Duration to the sum"},
		{"music without media", func(p *Plan) { p.Music.Media = session.Media{} }, "music has no media"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.break_(p)
			err := Validate(p, ValidateOptions{})
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidPlan))
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	assert.NoError(t, Validate(valid(), ValidateOptions{}))
	err := Validate(valid(), ValidateOptions{MaxTotal: sec(10)})
	assert.ErrorContains(t, err, "budget")
}

func TestCaptions(t *testing.T) {
	c := Captions("First sentence here. Second one is a bit longer than the first.", sec(6))
	require.Len(t, c, 2)
	assert.Equal(t, time.Duration(0), c[0].Span.Start)
	assert.Equal(t, c[0].Span.End, c[1].Span.Start)
	assert.Equal(t, sec(6), c[1].Span.End)
	assert.Less(t, c[0].Span.Len(), c[1].Span.Len(), "timed by length")
	assert.Nil(t, Captions("", sec(3)))
}

func TestChapters(t *testing.T) {
	p, err := Build(fixtureInput(), Options{})
	require.NoError(t, err)
	ch := Chapters(p)
	require.Len(t, ch, 3)
	assert.Equal(t, sec(3), ch[0].At)
	assert.Equal(t, "Why is this panicking?", ch[0].Title)
	assert.Equal(t, "session/store.go", ch[0].File)
	assert.Equal(t, session.KindStuck, ch[0].Kind)
	assert.Equal(t, session.Span{Start: sec(35), End: sec(39.8)}, ch[0].Source)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./render -update")
	require.Equal(t, string(want), string(got), "differs from %s (go test ./render -update rewrites it)", path)
}
