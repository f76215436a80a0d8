package rendertest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
)

// Renderer is a fake render.Renderer. It validates each plan, records a
// copy, and returns media named after the plan's content, with the plan's
// duration. Err, when set, is returned for every valid plan instead.
// Safe for concurrent use.
type Renderer struct {
	Err error

	mu    sync.Mutex
	plans []render.Plan
}

// Render validates p and returns deterministic output.
func (r *Renderer) Render(ctx context.Context, p *render.Plan) (render.Output, error) {
	if err := ctx.Err(); err != nil {
		return render.Output{}, err
	}
	if err := render.Validate(p, render.ValidateOptions{}); err != nil {
		return render.Output{}, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return render.Output{}, fmt.Errorf("rendertest: encode plan: %w", err)
	}
	var cp render.Plan
	if err := json.Unmarshal(b, &cp); err != nil {
		return render.Output{}, fmt.Errorf("rendertest: copy plan: %w", err)
	}
	r.mu.Lock()
	r.plans = append(r.plans, cp)
	r.mu.Unlock()
	if r.Err != nil {
		return render.Output{}, r.Err
	}
	sum := sha256.Sum256(b)
	id := hex.EncodeToString(sum[:6])
	return render.Output{
		Video:  session.Media{ID: "render-" + id, URL: "https://render.invalid/" + id + ".m3u8", Duration: p.Duration},
		Poster: session.Media{URL: "https://render.invalid/" + id + ".jpg"},
	}, nil
}

// Plans returns copies of the plans rendered, in order.
func (r *Renderer) Plans() []render.Plan {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]render.Plan(nil), r.plans...)
}

// Setup is what a Renderer under test needs from its environment.
type Setup struct {
	Renderer render.Renderer
	// Source is a recording the renderer can read, SourceLength its length
	// (at least 6 seconds).
	Source       session.Media
	SourceLength time.Duration
	// Narration returns a voice asset for text with its measured Duration.
	// Nil: the clip segments show caption cards instead.
	Narration func(t *testing.T, text string) session.Media
	// Tolerance is how far a reported output duration may differ from the
	// plan's (default 500ms).
	Tolerance time.Duration
	// OutDir is where file-producing renderers write (Plan.OutDir).
	OutDir string
}

// SmallPlan builds a valid two-clip plan over a recording of length n.
func SmallPlan(t *testing.T, s Setup) *render.Plan {
	t.Helper()
	n := s.SourceLength
	require.GreaterOrEqual(t, n, 6*time.Second, "the conformance suite needs a source of at least 6s")
	texts := []string{"I open the store.", "Then I fix the loader."}
	in := render.Input{Title: "Conformance", Branch: "test", Source: s.Source, SourceLength: n, OutDir: s.OutDir,
		Stats: render.Stats{Recorded: n, Files: 1}}
	for i, text := range texts {
		c := render.ClipInput{Text: text, Clip: session.Clip{
			Span: session.Span{Start: time.Duration(i) * n / 2, End: time.Duration(i)*n/2 + 2*time.Second},
			Kind: session.KindProgress, Files: []string{"store.go"}, Score: 1,
		}}
		if s.Narration != nil {
			c.Narration = s.Narration(t, text)
		}
		in.Clips = append(in.Clips, c)
	}
	p, err := render.Build(in, render.Options{Width: 640, Height: 360, Intro: time.Second, Outro: time.Second})
	require.NoError(t, err)
	return p
}

// TestRenderer runs the conformance suite against the Renderer newSetup
// returns (called once per subtest).
func TestRenderer(t *testing.T, newSetup func(t *testing.T) Setup) {
	t.Run("RendersValidPlan", func(t *testing.T) {
		s := newSetup(t)
		p := SmallPlan(t, s)
		out, err := s.Renderer.Render(context.Background(), p)
		require.NoError(t, err)
		require.False(t, out.Video.Empty(), "the output names a video")
		if out.Video.Duration > 0 {
			tol := s.Tolerance
			if tol <= 0 {
				tol = 500 * time.Millisecond
			}
			assert.InDelta(t, p.Duration.Seconds(), out.Video.Duration.Seconds(), tol.Seconds(),
				"output lasts %s, plan %s", out.Video.Duration, p.Duration)
		}
	})
	t.Run("RejectsInvalidPlan", func(t *testing.T) {
		s := newSetup(t)
		p := SmallPlan(t, s)
		p.Segments[1].Start += time.Second // a gap
		_, err := s.Renderer.Render(context.Background(), p)
		require.Error(t, err)
		assert.True(t, errors.Is(err, render.ErrInvalidPlan), "the error wraps render.ErrInvalidPlan: %v", err)

		p = SmallPlan(t, s)
		p.Segments[1].Source.End = s.SourceLength + time.Minute
		_, err = s.Renderer.Render(context.Background(), p)
		assert.ErrorIs(t, err, render.ErrInvalidPlan)

		_, err = s.Renderer.Render(context.Background(), nil)
		assert.ErrorIs(t, err, render.ErrInvalidPlan)
	})
	t.Run("HonoursCancellation", func(t *testing.T) {
		s := newSetup(t)
		p := SmallPlan(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Renderer.Render(ctx, p)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
	})
}
