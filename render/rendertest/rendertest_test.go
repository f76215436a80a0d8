package rendertest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
)

func TestFakeRenderer(t *testing.T) {
	rendertest.TestRenderer(t, func(t *testing.T) rendertest.Setup {
		return rendertest.Setup{
			Renderer:     &rendertest.Renderer{},
			Source:       session.Media{Path: "screen.mp4"},
			SourceLength: 20 * time.Second,
			Narration: func(t *testing.T, text string) session.Media {
				return session.Media{ID: "v-" + text, Duration: time.Second}
			},
		}
	})
}

func TestFakeRecordsPlansDeterministically(t *testing.T) {
	r := &rendertest.Renderer{}
	s := rendertest.Setup{Renderer: r, Source: session.Media{Path: "screen.mp4"}, SourceLength: 10 * time.Second}
	p := rendertest.SmallPlan(t, s)
	a, err := r.Render(context.Background(), p)
	require.NoError(t, err)
	b, err := r.Render(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	require.Len(t, r.Plans(), 2)
	assert.Equal(t, *p, r.Plans()[0])
	assert.Equal(t, p.Duration, a.Video.Duration)
}
