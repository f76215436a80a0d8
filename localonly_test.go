package trace

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
)

// localRenderer renders like the local backend: a file on this machine,
// no URL.
type localRenderer struct{ rendertest.Renderer }

func (r *localRenderer) Render(ctx context.Context, p *render.Plan) (render.Output, error) {
	out, err := r.Renderer.Render(ctx, p)
	out.Video = session.Media{Path: "/home/dev/.trace/sessions/x/generate/video/walkthrough.mp4", Duration: p.Duration}
	out.Poster = session.Media{Path: "/home/dev/.trace/sessions/x/generate/video/poster.jpg"}
	return out, err
}

// TestLocalVideoIsNeverLinkedOnAPR: a walkthrough that exists only as a
// local file is described on the PR, not linked by its path.
func TestLocalVideoIsNeverLinkedOnAPR(t *testing.T) {
	f := newFixture(t)
	p := f.pipeline()
	p.Renderer = &localRenderer{}
	_, err := p.Stop(context.Background(), f.s)
	require.NoError(t, err)
	res, err := p.Generate(context.Background(), f.s, f.request())
	require.NoError(t, err)
	require.NotNil(t, res.Plan)

	for _, body := range append(f.sink.bodiesCopy(), f.sink.Description(f.pr)) {
		assert.NotContains(t, body, "/home/dev", "no local path reaches the PR")
	}
	walk := ""
	for _, c := range f.sink.Comments(f.pr) {
		if ghpr.HasMarker(c.Body, ghpr.Key{Kind: KindWalkthrough, Session: f.s.ID()}) {
			walk = c.Body
		}
	}
	require.NotEmpty(t, walk)
	assert.Contains(t, walk, "rendered on the author's machine")
	assert.True(t, strings.Contains(walk, "Chapters"), "the chapters are still listed")
}
